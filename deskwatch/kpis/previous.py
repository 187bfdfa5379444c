"""The previous window of equal length, per agent: solved tickets and good/bad ratings.

For the leaderboard's rank change: the ranks over ``[window start - window_days, window start)``
by the same order as KPIS.md ``agents`` (solved, then CSAT score). Built once per local date
from the (filtered) frames and kept up to date by the same changes the engine follows: a
ticket re-solved today leaves the previous window, a late rating joins it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from deskwatch.kpis.tickets import ALIVE
from deskwatch.kpis.windows import Windows, _lit, local_midnight
from deskwatch.store.cache import Frames

_SUMS = ("solved", "good", "bad")


def _in(ts: str, start: datetime, end: datetime) -> pl.Expr:
    return ((pl.col(ts) >= _lit(start)) & (pl.col(ts) < _lit(end))).fill_null(False)


@dataclass
class Previous:
    start: datetime
    end: datetime
    #: agent id (None: unassigned) -> [solved, good, bad]
    sums: dict[int | None, list[float]] = field(default_factory=dict)
    #: whether the synced history reaches back to the start of the previous window (else its
    #: ranks would be computed over a part of it: none are given)
    known: bool = True

    @classmethod
    def build(cls, frames: Frames, w: Windows, history_days: int) -> Previous:
        start = local_midnight(w.dates[0] - timedelta(days=len(w.dates)), w.tz)
        prev = cls(start, w.window_start, known=start >= w.now - timedelta(days=history_days))
        prev._add(frames.tickets, "tickets", 1.0)
        prev._add(frames.ratings, "ratings", 1.0)
        return prev

    def _rows(self, frame: pl.DataFrame, stream: str) -> Iterable[tuple[Any, ...]]:
        if stream == "tickets":
            cut = frame.filter(ALIVE & _in("solve_time", self.start, self.end))
            agg = [pl.len().alias("solved"), pl.lit(0).alias("good"), pl.lit(0).alias("bad")]
        else:
            scored = pl.col("score").is_in(["good", "bad"]).fill_null(False)
            cut = frame.filter(scored & _in("updated_at", self.start, self.end))
            agg = [
                pl.lit(0).alias("solved"),
                (pl.col("score") == "good").sum().alias("good"),
                (pl.col("score") == "bad").sum().alias("bad"),
            ]
        if cut.height == 0:
            return []
        return cut.group_by("assignee_id").agg(agg).select("assignee_id", *_SUMS).iter_rows()

    def _add(self, frame: pl.DataFrame, stream: str, sign: float) -> None:
        for agent, *values in self._rows(frame, stream):
            sums = self.sums.setdefault(agent, [0.0, 0.0, 0.0])
            for i, v in enumerate(values):
                sums[i] += sign * float(v)

    def apply(self, stream: str, removed: pl.DataFrame, added: pl.DataFrame) -> None:
        """Follow one (filtered) change of tickets or ratings."""
        if stream in ("tickets", "ratings"):
            self._add(removed, stream, -1.0)
            self._add(added, stream, 1.0)

    def ranks(self, agents: Iterable[int]) -> dict[int, int]:
        """1-based ranks of the agents with anything in the previous window (solved, then
        CSAT score, none last, then agent id)."""

        def key(agent: int) -> tuple[float, bool, float, int]:
            solved, good, bad = self.sums.get(agent, [0.0, 0.0, 0.0])
            score = good / (good + bad) if good + bad else None
            return (-solved, score is None, -(score or 0.0), agent)

        if not self.known:
            return {}
        active = [a for a in agents if any(self.sums.get(a, [0.0, 0.0, 0.0]))]
        return {a: i + 1 for i, a in enumerate(sorted(active, key=key))}
