"""The STATS object of KPIS.md, from sorted value arrays.

Median and p90 follow numpy's default (linear interpolation). The values of one range come as
at most two sorted arrays (the settled dates and the fresh ones); the k-th smallest of their
union is found by binary search, so no range is ever re-sorted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

EMPTY = np.empty(0)


def empty_stats() -> dict[str, Any]:
    return {"count": 0, "mean": None, "median": None, "p90": None}


def kth(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """The k-th smallest (0-based) value of the union of sorted ``a`` and ``b``."""
    if not b.size:
        return float(a[k])
    if not a.size:
        return float(b[k])
    lo, hi = max(0, k + 1 - b.size), min(k + 1, a.size)
    while lo < hi:  # smallest i (taken from a) with b[j-1] <= a[i], j = k + 1 - i
        i = (lo + hi) // 2
        j = k + 1 - i
        if j > 0 and i < a.size and b[j - 1] > a[i]:
            lo = i + 1
        else:
            hi = i
    i, j = lo, k + 1 - lo
    return float(max(a[i - 1] if i > 0 else -np.inf, b[j - 1] if j > 0 else -np.inf))


def quantile(a: np.ndarray, b: np.ndarray, q: float) -> float:
    """numpy's default ("linear") quantile ``q`` of the union of sorted ``a`` and ``b``."""
    n = a.size + b.size
    h = (n - 1) * q
    lo = int(np.floor(h))
    x = kth(a, b, lo)
    y = kth(a, b, min(lo + 1, n - 1))
    return x + (h - lo) * (y - x) if y != x else x


def sorted_stats(a: np.ndarray = EMPTY, b: np.ndarray = EMPTY) -> dict[str, Any]:
    """STATS of the union of the sorted arrays ``a`` and ``b``."""
    n = int(a.size + b.size)
    if n == 0:
        return empty_stats()
    total = float(a.sum()) + float(b.sum())
    return {
        "count": n,
        "mean": total / n,
        "median": quantile(a, b, 0.5),
        "p90": quantile(a, b, 0.9),
    }


def rate(num: int | float, den: int | float) -> float | None:
    return None if not den else num / den
