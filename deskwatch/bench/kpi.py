"""KPI benchmark: full compute, incremental refresh, warm start, cache size, peak RSS.

Each size runs in two fresh subprocesses: one generates the frames (columnar, no HTTP) and
persists them to a temp state dir; the other measures what the app does with them (warm start,
snapshot computes, upserts) and reports its own peak RSS, so generation does not count.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
TZ = "Europe/Berlin"


def generate(n: int, state: Path, seed: int = 1) -> None:
    from deskwatch.bench import gen
    from deskwatch.store import Cache

    rng = np.random.default_rng(seed)
    cache = Cache()
    tickets = gen.tickets(n, NOW, rng)
    cache.replace_frame("tickets", tickets)
    cache.replace_frame("ratings", gen.ratings(tickets, NOW, rng))
    calls, legs = gen.calls_and_legs(n, NOW, rng)
    cache.replace_frame("calls", calls)
    cache.replace_frame("legs", legs)
    cache.replace_frame("users", gen.users(rng))
    cache.set_cursor("tickets", "bench")
    cache.persist(state)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def measure(n: int, state: Path, runs: int, seed: int = 2) -> dict[str, Any]:
    from deskwatch.bench import gen
    from deskwatch.config import build_config
    from deskwatch.kpis import KpiEngine, compute_snapshot
    from deskwatch.store import Cache

    cfg = build_config({"account": {"timezone": TZ}}, env={}, require_account=False)
    t0 = time.perf_counter()
    cache = Cache.load(state)
    warm = time.perf_counter() - t0
    assert cache.frames.tickets.height == n and not cache.warnings
    compute_snapshot(cache.frames, cfg, NOW)  # first run: lazy imports, thread pool start
    full = []
    for _ in range(runs):
        t0 = time.perf_counter()
        compute_snapshot(cache.frames, cfg, NOW)
        full.append(time.perf_counter() - t0)
    rng = np.random.default_rng(seed)
    # as the export hands them over: with their subjects (kept for the next persist)
    batches = [
        gen.changed_tickets(cache.frames.tickets, 1000, NOW, rng).with_columns(
            pl.format("Changed ticket {} subject", "id").alias("subject")
        )
        for _ in range(runs)
    ]
    # the app's path: the poller's engine follows the cache's changes by delta
    engine = KpiEngine(cfg)
    seen, _ = cache.changes_since(None)
    engine.update(cache.frames, None)
    engine.compute(NOW)
    incremental = []
    for batch in batches:
        t0 = time.perf_counter()
        cache.ingest_frame("tickets", batch)
        seen, changes = cache.changes_since(seen)
        engine.update(cache.frames, changes)
        engine.compute(NOW)
        incremental.append(time.perf_counter() - t0)
    assert engine.rebuilds == 1, "the incremental path rebuilt from scratch"
    size = sum(p.stat().st_size for p in state.iterdir() if p.is_file())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # a persist as the app does after a poll: the tickets file rewritten, its subjects (kept
    # on disk only) streamed from the previous file with the changed ones joined in
    t0 = time.perf_counter()
    cache.persist(state)
    persist = time.perf_counter() - t0
    persist_peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "tickets": n,
        "full_compute_ms_p50": _ms(statistics.median(full)),
        "full_compute_ms_p95": _ms(float(np.percentile(full, 95))),
        "incremental_ms_p50": _ms(statistics.median(incremental)),
        "warm_start_ms": _ms(warm),
        "cache_mb": round(size / 2**20, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "persist_ms": _ms(persist),
        "peak_rss_with_persist_mb": round(persist_peak_kb / 1024, 1),
    }


def _child(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "deskwatch.bench", *args], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.stdout


def run(sizes: list[int], runs: int) -> dict[str, Any]:
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="deskwatch-bench-") as tmp:
            _child("--generate", str(n), "--state-dir", tmp)
            out = _child("--measure", str(n), "--state-dir", tmp, "--runs", str(runs))
            results.append(json.loads(out))
        print(f"bench: {results[-1]}", file=sys.stderr, flush=True)
    return {"results": results}
