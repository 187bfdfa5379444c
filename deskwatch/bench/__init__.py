"""Benchmarks. ``python -m deskwatch.bench`` measures the KPI cache and engine (see __main__)."""
