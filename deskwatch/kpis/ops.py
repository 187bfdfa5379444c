"""Operations-screen figures that are not part of the export contract.

``ops_figures(frames, cfg, now) -> OpsFigures`` gives what "change vs yesterday at the same
time" and the hourly charts need:

- ``backlog_now`` / ``backlog_24h_ago``: unsolved by the backlog rule of KPIS.md
  (created before t and not a solved ticket with solve time before t) at ``now`` and at
  ``now - 24h``; compare these two (``tickets.unsolved`` counts by *current status* instead).
- ``created_per_hour_today`` / ``solved_per_hour_today``: 24 counts by local clock hour,
  today up to ``now``; ``..._yesterday``: the same for the whole of yesterday.
  (On a DST change day the repeated hour lands in one bucket; the skipped one stays 0.)
- ``utilization_today``: Talk ``(total_talk_time + total_wrap_up_time) / online_time`` summed
  over ``agents_activity`` (None when nobody was online or Talk is off).

Pure and columnar like the rest of ``deskwatch.kpis``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.tickets import live
from deskwatch.kpis.windows import Windows, make_windows, r_today, r_yesterday
from deskwatch.store import Frames


@dataclass(frozen=True)
class OpsFigures:
    backlog_now: int
    backlog_24h_ago: int
    created_per_hour_today: tuple[int, ...]
    solved_per_hour_today: tuple[int, ...]
    created_per_hour_yesterday: tuple[int, ...]
    solved_per_hour_yesterday: tuple[int, ...]
    utilization_today: float | None


def backlog_at(tickets: pl.DataFrame, t: datetime) -> int:
    """Unsolved at instant ``t`` by the backlog rule."""
    return int(
        live(tickets)
        .select(((pl.col("created_at") < t) & ~(pl.col("backlog_end") < t).fill_null(False)).sum())
        .collect()
        .item()
    )


def _hourly(tickets: pl.DataFrame, ts: str, w: Windows, which: pl.Expr) -> tuple[int, ...]:
    counts = (
        live(tickets)
        .filter(w.covered(ts))
        .select(w.slot(ts).alias("slot"), w.hour(ts).alias("hour"))
        .filter(which)
        .group_by("hour")
        .len()
        .collect()
    )
    buckets = [0] * 24
    for hour, n in counts.iter_rows():
        buckets[int(hour)] = int(n)
    return tuple(buckets)


def utilization(agents_activity: pl.DataFrame) -> float | None:
    if agents_activity.height == 0:
        return None
    row = agents_activity.select(
        (pl.col("total_talk_time").fill_null(0) + pl.col("total_wrap_up_time").fill_null(0))
        .sum()
        .alias("busy"),
        pl.col("online_time").fill_null(0).sum().alias("online"),
    ).row(0, named=True)
    return None if not row["online"] else float(row["busy"]) / float(row["online"])


def ops_figures(frames: Frames, cfg: Config, now: datetime) -> OpsFigures:
    w = make_windows(cfg, now)
    t = frames.tickets
    return OpsFigures(
        backlog_now=backlog_at(t, w.now),
        backlog_24h_ago=backlog_at(t, w.now - timedelta(hours=24)),
        created_per_hour_today=_hourly(t, "created_at", w, r_today(w)),
        solved_per_hour_today=_hourly(t, "solve_time", w, r_today(w)),
        created_per_hour_yesterday=_hourly(t, "created_at", w, r_yesterday(w)),
        solved_per_hour_yesterday=_hourly(t, "solve_time", w, r_yesterday(w)),
        utilization_today=utilization(frames.agents_activity) if cfg.talk.enabled else None,
    )
