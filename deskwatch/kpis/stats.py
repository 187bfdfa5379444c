"""The STATS object and per-day series helpers (KPIS.md "STATS object")."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.windows import Windows, day_index, in_window, iso_dates

STAT_FIELDS = ("count", "mean", "median", "p90")


def stats_exprs(value: str, cond: pl.Expr, prefix: str) -> list[pl.Expr]:
    """count/mean/median/p90 of ``value`` where ``cond`` (nulls skipped), as named aggregates."""
    v = pl.col(value).filter(cond & pl.col(value).is_not_null())
    return [
        v.count().alias(f"{prefix}count"),
        v.mean().alias(f"{prefix}mean"),
        v.median().alias(f"{prefix}median"),
        v.quantile(0.9, interpolation="linear").alias(f"{prefix}p90"),
    ]


def stats_from_row(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    count = int(row[f"{prefix}count"] or 0)
    if count == 0:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    return {
        "count": count,
        "mean": row[f"{prefix}mean"],
        "median": row[f"{prefix}median"],
        "p90": row[f"{prefix}p90"],
    }


def empty_stats() -> dict[str, Any]:
    return {"count": 0, "mean": None, "median": None, "p90": None}


def daily_stats(lf: pl.LazyFrame, ts: str, value: str, w: Windows) -> list[dict[str, Any]]:
    """One STATS+date per window date (oldest first) over ``value`` dated by ``ts``."""
    per_day = (
        lf.filter(in_window(ts, w) & pl.col(value).is_not_null())
        .group_by(day_index(ts, w))
        .agg(
            pl.col(value).count().alias("count"),
            pl.col(value).mean().alias("mean"),
            pl.col(value).median().alias("median"),
            pl.col(value).quantile(0.9, interpolation="linear").alias("p90"),
        )
        .collect()
    )
    by_day = {r["day"]: r for r in per_day.iter_rows(named=True)}
    out = []
    for i, iso in enumerate(iso_dates(w)):
        r = by_day.get(i)
        entry = {"date": iso, **(stats_from_row(r, "") if r else empty_stats())}
        out.append(entry)
    return out


def daily_counts(
    lf: pl.LazyFrame, ts: str, w: Windows, aggs: dict[str, pl.Expr]
) -> dict[int, dict[str, Any]]:
    """``{day slot: {name: value}}`` for rows of ``lf`` dated by ``ts`` in the window."""
    per_day = (
        lf.filter(in_window(ts, w))
        .group_by(day_index(ts, w))
        .agg(*(expr.alias(name) for name, expr in aggs.items()))
        .collect()
    )
    return {r.pop("day"): r for r in per_day.iter_rows(named=True)}


def rate(num: int | float, den: int | float) -> float | None:
    return None if not den else num / den
