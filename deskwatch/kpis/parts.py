"""What the KPI figures are built from: every aggregate over every covered date, at one ``now``.

The engine fills a :class:`Parts` from its aggregates and its fresh rows; the KPI
modules only read it, so a snapshot computed from scratch and one kept up to date by deltas
go through the same figure code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from deskwatch.kpis.agg import Bucket
from deskwatch.kpis.stats import EMPTY, quantile, sorted_stats
from deskwatch.kpis.windows import Windows


class Table:
    """A Sums table as numpy columns (small: dates x keys), with per-date totals."""

    def __init__(self, df: pl.DataFrame, size: int) -> None:
        self.df = df
        self.size = size  # slots 0..size-1
        self._cols: dict[str, np.ndarray] = {}

    def col(self, name: str) -> np.ndarray:
        if name not in self._cols:
            self._cols[name] = self.df.get_column(name).to_numpy()
        return self._cols[name]

    def key(self, name: str) -> np.ndarray:
        """An id key column as int64, null as -1."""
        cache_key = f"{name}:key"
        if cache_key not in self._cols:
            self._cols[cache_key] = self.df.get_column(name).fill_null(-1).to_numpy()
        return self._cols[cache_key]

    def since(self, slot: int) -> np.ndarray:
        """Rows dated on ``slot`` or later."""
        return self.col("slot") >= slot

    def by_id(self, key: str, names: tuple[str, ...], where: np.ndarray) -> dict[int, tuple]:
        """``{id: (sum of each of names)}`` over rows ``where`` (ids from :meth:`key`)."""
        ids = self.key(key)[where]
        if ids.size == 0:
            return {}
        uniq, inverse = np.unique(ids, return_inverse=True)
        totals = []
        for name in names:
            values = self.col(name)[where]
            total = np.bincount(inverse, weights=values, minlength=uniq.size)
            totals.append(total.astype(np.int64) if values.dtype.kind in "iu" else total)
        return {int(k): tuple(t[i].item() for t in totals) for i, k in enumerate(uniq)}

    def by_label(self, key: str, name: str, where: np.ndarray) -> dict[Any, int]:
        """``{label: sum of name}`` over rows ``where`` for a small categorical key."""
        out: dict[Any, int] = {}
        for label, value in zip(self.col(key)[where], self.col(name)[where], strict=True):
            out[label] = out.get(label, 0) + int(value)
        return out

    def per_slot(self, name: str, where: np.ndarray | None = None) -> np.ndarray:
        """``name`` summed per slot (ints stay ints), optionally over rows ``where``."""
        values = self.col(name)
        weights = values if where is None else np.where(where, values, 0)
        total = np.bincount(self.col("slot"), weights=weights, minlength=self.size)
        return total.astype(np.int64) if values.dtype.kind in "iu" else total


@dataclass(frozen=True)
class Parts:
    w: Windows
    #: Sums spec name -> table over all covered slots (``slot``, keys, sums)
    sums: dict[str, pl.DataFrame]
    #: Values spec name -> its buckets (sorted arrays)
    values: dict[str, dict[Bucket, np.ndarray]]
    #: stream -> its rows with an event on or after the first fresh date
    fresh: dict[str, pl.DataFrame]
    #: the first slot of the fresh rows and its local midnight (UTC)
    fresh_slot: int
    fresh_start: datetime
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def table(self, name: str) -> Table:
        """A Sums spec's table as numpy columns (built once per compute)."""
        return self.memo(("table", name), lambda: Table(self.sums[name], self.w.today_slot + 1))

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per Parts (i.e. once per compute)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def stats(self, name: str, bucket: Bucket) -> dict[str, Any]:
        """STATS of one bucket of a Values spec."""
        return sorted_stats(self.values[name].get(bucket, EMPTY))

    def median(self, name: str, bucket: Bucket) -> float | None:
        values = self.values[name].get(bucket, EMPTY)
        return quantile(values, 0.5) if values.size else None

    def buckets(self, name: str, kind: str) -> list[int]:
        """The ids of the non-empty buckets of one kind (e.g. agents with a reply value)."""
        return sorted(k for kk, k in self.values[name] if kk == kind)

    def current(self, name: str) -> dict[str, int]:
        """An undated Sums spec's single row, as ints."""
        table = self.sums[name]
        if table.height == 0:
            return dict.fromkeys(table.columns, 0)
        return {k: int(v or 0) for k, v in table.row(0, named=True).items()}


def per_slot(table: pl.DataFrame, col: str) -> dict[int, Any]:
    """``{slot: sum of col}`` of a Sums table."""
    grouped = table.group_by("slot").agg(pl.col(col).sum())
    return dict(grouped.iter_rows())


def window(table: pl.LazyFrame, w: Windows) -> pl.LazyFrame:
    """The rows of a Sums table dated within the window."""
    return table.filter(pl.col("slot").is_between(w.window_slot, w.today_slot))
