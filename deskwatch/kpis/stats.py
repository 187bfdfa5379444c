"""The STATS object and per-day series helpers (KPIS.md "STATS object").

Quantiles are computed from a value histogram (``group_by(slot, value).len()``): Zendesk
durations are whole minutes/seconds, so the histogram is far smaller than the rows, and the
exact median/p90 (numpy's linear interpolation) follow from cumulative counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from deskwatch.kpis.windows import Windows, r_window


def empty_stats() -> dict[str, Any]:
    return {"count": 0, "mean": None, "median": None, "p90": None}


def weighted_stats(values: np.ndarray, counts: np.ndarray) -> dict[str, Any]:
    """STATS of a multiset given as ``values`` sorted ascending with their ``counts``."""
    n = int(counts.sum())
    if n == 0:
        return empty_stats()
    cum = np.cumsum(counts)

    def kth(k: int) -> float:  # k-th smallest, 0-based
        return float(values[int(np.searchsorted(cum, k, side="right"))])

    def quantile(q: float) -> float:
        h = (n - 1) * q
        lo = int(np.floor(h))
        a = kth(lo)
        b = kth(min(lo + 1, n - 1))
        return a + (h - lo) * (b - a)

    return {
        "count": n,
        "mean": float(np.dot(values, counts) / n),
        "median": quantile(0.5),
        "p90": quantile(0.9),
    }


def range_stats(ev: pl.DataFrame, value: str, w: Windows) -> dict[str, Any]:
    """STATS for today, yesterday, month_to_date, window and one per window date (``daily``).

    ``ev`` carries ``slot`` (see ``Windows.slot``); rows with a null ``value`` are skipped.
    """
    hist = (
        ev.lazy()
        .filter(pl.col(value).is_not_null())
        .group_by("slot", pl.col(value).alias("v"))
        .len()
        .sort("v", "slot")
        .collect()
    )
    slot = hist.get_column("slot").to_numpy()
    vals = hist.get_column("v").to_numpy().astype(np.float64)
    cnts = hist.get_column("len").to_numpy().astype(np.int64)

    def over(mask: np.ndarray) -> dict[str, Any]:
        return weighted_stats(vals[mask], cnts[mask])

    today = w.today_slot
    out: dict[str, Any] = {
        "today": over(slot == today),
        "yesterday": over(slot == today - 1),
        "month_to_date": over(slot >= w.month_slot),
        "window": over(slot >= w.window_slot),
    }
    out["daily"] = [
        {"date": d.isoformat(), **over(slot == w.window_slot + i)} for i, d in enumerate(w.dates)
    ]
    return out


def daily_counts(ev: pl.DataFrame, w: Windows, aggs: dict[str, pl.Expr]) -> list[dict[str, Any]]:
    """Per window date, oldest first: ``{name: value}`` aggregates of ``ev`` rows (0 if none)."""
    per_day = (
        ev.lazy()
        .filter(r_window(w))
        .group_by("slot")
        .agg(*(expr.alias(name) for name, expr in aggs.items()))
        .collect()
    )
    by_slot = {r.pop("slot"): r for r in per_day.iter_rows(named=True)}
    empty = dict.fromkeys(aggs, 0)
    return [
        {k: (v if v is not None else 0) for k, v in by_slot.get(w.window_slot + i, empty).items()}
        for i in range(len(w.dates))
    ]


def rate(num: int | float, den: int | float) -> float | None:
    return None if not den else num / den
