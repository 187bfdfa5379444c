"""Flat views of a snapshot for ``deskwatch export --format csv|parquet``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl

from deskwatch.kpis.snapshot import KpiSnapshot


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted key, scalar)`` pairs; list items as ``key[i]``; empty containers and nulls kept."""
    if isinstance(value, dict):
        if not value and prefix:
            yield prefix, None
        for k, v in value.items():
            yield from flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(value, list):
        if not value:
            yield prefix, None
        for i, v in enumerate(value):
            yield from flatten(v, f"{prefix}[{i}]")
    else:
        yield prefix, value


def _daily_series(value: Any, path: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _daily_series(v, f"{path}.{k}" if path else k)
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(x, dict) and "date" in x for x in value)
    ):
        yield path, value


def daily_table(snap: KpiSnapshot) -> pl.DataFrame:
    """Every daily series of the snapshot as one long table: series, date, field, value."""
    series, dates, fields, values = [], [], [], []
    for path, rows in _daily_series(snap.to_dict(), ""):
        for row in rows:
            for field, value in row.items():
                if field == "date":
                    continue
                series.append(path)
                dates.append(row["date"])
                fields.append(field)
                values.append(None if value is None else float(value))
    return pl.DataFrame(
        {
            "series": pl.Series(series, dtype=pl.String),
            "date": pl.Series(dates, dtype=pl.String).str.to_date(),
            "field": pl.Series(fields, dtype=pl.String),
            "value": pl.Series(values, dtype=pl.Float64),
        }
    )
