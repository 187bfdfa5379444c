"""The STATS object and per-day series helpers (KPIS.md "STATS object").

Median and p90 follow numpy's default (linear interpolation), computed exactly with
``np.partition`` on contiguous per-slot slices (one sort by slot per series).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from deskwatch.kpis.windows import Windows, r_window


def empty_stats() -> dict[str, Any]:
    return {"count": 0, "mean": None, "median": None, "p90": None}


def array_stats(x: np.ndarray) -> dict[str, Any]:
    """STATS of the values in ``x`` (float64, no NaN); ``x`` may be reordered in place."""
    n = int(x.size)
    if n == 0:
        return empty_stats()
    picks = {}
    for q in (0.5, 0.9):
        h = (n - 1) * q
        lo = int(np.floor(h))
        picks[q] = (h, lo, min(lo + 1, n - 1))
    kth = sorted({k for _, lo, hi in picks.values() for k in (lo, hi)})
    x.partition(kth)

    def quantile(q: float) -> float:  # numpy's default "linear" method
        h, lo, hi = picks[q]
        a, b = float(x[lo]), float(x[hi])
        return a + (h - lo) * (b - a) if b != a else a

    return {"count": n, "mean": float(x.mean()), "median": quantile(0.5), "p90": quantile(0.9)}


def range_stats(ev: pl.DataFrame, value: str, w: Windows) -> dict[str, Any]:
    """STATS for today, yesterday, month_to_date, window and one per window date (``daily``).

    ``ev`` carries ``slot`` (see ``Windows.slot``); rows with a null ``value`` are skipped.
    Rows are grouped by slot with one radix sort; each range is then a contiguous slice whose
    median/p90 come from ``np.partition`` (linear time, exact).
    """
    keep = pl.col(value).is_not_null() & pl.col("slot").is_between(0, w.today_slot)
    rows = ev.lazy().filter(keep).select("slot", pl.col(value).cast(pl.Float64)).collect()
    slots = rows.get_column("slot").to_numpy().astype(np.int16)  # int16: numpy radix-sorts it
    order = np.argsort(slots, kind="stable")
    vals = rows.get_column(value).to_numpy()[order]
    edges = np.concatenate(([0], np.cumsum(np.bincount(slots, minlength=w.today_slot + 1))))

    def span(first: int, last: int) -> dict[str, Any]:  # slots first..last inclusive
        first = max(first, 0)
        return array_stats(np.array(vals[edges[first] : edges[last + 1]], dtype=np.float64))

    today = w.today_slot
    out: dict[str, Any] = {
        "today": span(today, today),
        "yesterday": span(today - 1, today - 1),
        "month_to_date": span(w.month_slot, today),
        "window": span(w.window_slot, today),
    }
    out["daily"] = [
        {"date": d.isoformat(), **span(w.window_slot + i, w.window_slot + i)}
        for i, d in enumerate(w.dates)
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
