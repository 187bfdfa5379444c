"""The STATS object of KPIS.md, from a sorted value array.

Median and p90 follow numpy's default (linear interpolation); the engine keeps every range's
values sorted, so they are two lookups.
"""

from __future__ import annotations

from typing import Any

import numpy as np

EMPTY = np.empty(0)


def empty_stats() -> dict[str, Any]:
    return {"count": 0, "mean": None, "median": None, "p90": None}


def quantile(values: np.ndarray, q: float) -> float:
    """numpy's default ("linear") quantile ``q`` of the sorted, non-empty ``values``."""
    h = (values.size - 1) * q
    lo = int(np.floor(h))
    x, y = float(values[lo]), float(values[min(lo + 1, values.size - 1)])
    return x + (h - lo) * (y - x) if y != x else x


def sorted_stats(values: np.ndarray) -> dict[str, Any]:
    """STATS of the sorted array ``values``."""
    if values.size == 0:
        return empty_stats()
    return {
        "count": int(values.size),
        "mean": float(values.sum()) / values.size,
        "median": quantile(values, 0.5),
        "p90": quantile(values, 0.9),
    }


def rate(num: int | float, den: int | float) -> float | None:
    return None if not den else num / den
