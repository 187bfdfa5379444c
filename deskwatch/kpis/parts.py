"""What the KPI figures are built from: every aggregate over every covered date, at one ``now``.

The engine fills a :class:`Parts` from its settled aggregates plus the fresh rows; the KPI
modules only read it, so a snapshot computed from scratch and one kept up to date by deltas
go through the same figure code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from deskwatch.kpis.agg import Bucket
from deskwatch.kpis.stats import EMPTY, sorted_stats
from deskwatch.kpis.windows import Windows


@dataclass(frozen=True)
class Parts:
    w: Windows
    #: Sums spec name -> table over all covered slots (``slot``, keys, sums)
    sums: dict[str, pl.DataFrame]
    #: Values spec name -> settled buckets / fresh buckets (sorted arrays)
    settled: dict[str, dict[Bucket, np.ndarray]]
    fresh_values: dict[str, dict[Bucket, np.ndarray]]
    #: stream -> its rows with an event on or after the first fresh date
    fresh: dict[str, pl.DataFrame]
    #: the first fresh slot and its local midnight (UTC): sums of slots before it are settled
    fresh_slot: int
    fresh_start: datetime

    def stats(self, name: str, bucket: Bucket) -> dict[str, Any]:
        """STATS of one bucket of a Values spec (settled and fresh values together)."""
        return sorted_stats(
            self.settled[name].get(bucket, EMPTY), self.fresh_values[name].get(bucket, EMPTY)
        )

    def values(self, name: str, kind: str) -> set[int]:
        """The ids of the non-empty buckets of one kind (e.g. agents with a reply value)."""
        keys = set(self.settled[name]) | set(self.fresh_values[name])
        return {k for kk, k in keys if kk == kind}

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


def window(table: pl.DataFrame, w: Windows) -> pl.DataFrame:
    """The rows of a Sums table dated within the window."""
    return table.filter(pl.col("slot").is_between(w.window_slot, w.today_slot))
