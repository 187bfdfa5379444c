"""Operations-screen figures that are not part of the export contract.

``ops_from_parts(parts, frames, cfg) -> OpsFigures`` (``KpiSnapshot.ops``) gives what "change vs
yesterday at the same time" and the hourly charts need:

- ``backlog_now`` / ``backlog_24h_ago``: unsolved by the backlog rule of KPIS.md
  (created before t and not a solved ticket with solve time before t) at ``now`` and at
  ``now - 24h``; compare these two (``tickets.unsolved`` counts by *current status* instead).
- ``created_per_hour_today`` / ``solved_per_hour_today``: 24 counts by local clock hour,
  today up to ``now``; ``..._yesterday``: the same for the whole of yesterday.
  (On a DST change day the repeated hour lands in one bucket; the skipped one stays 0.)
- The Talk screen's live figures the contract does not hold: of the agents in the newest
  activity rows, how many are available (``agent_state`` online, no ``call_status``) and on a
  call (``call_status`` on_call). None when Talk is off or no activity was fetched.
- ``typical_created_per_hour`` / ``typical_solved_per_hour``: per local clock hour, the median
  count over the baseline days that count (see :mod:`deskwatch.kpis.typical`); None when none.

Built from the engine's :class:`~deskwatch.kpis.parts.Parts`: the settled ticket aggregates
plus the fresh ticket rows (``now - 24h`` is always after the first fresh date).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from deskwatch.config import Config
from deskwatch.kpis import typical
from deskwatch.kpis.parts import Parts
from deskwatch.kpis.tickets import in_day, moments
from deskwatch.kpis.windows import micros
from deskwatch.store import Frames


@dataclass(frozen=True)
class OpsFigures:
    backlog_now: int
    backlog_24h_ago: int
    created_per_hour_today: tuple[int, ...]
    solved_per_hour_today: tuple[int, ...]
    created_per_hour_yesterday: tuple[int, ...]
    solved_per_hour_yesterday: tuple[int, ...]
    agents_available: int | None = None
    agents_on_call: int | None = None
    #: per local clock hour, the typical count (:mod:`deskwatch.kpis.typical`); None: no
    #: baseline day counts
    typical_created_per_hour: tuple[float, ...] | None = None
    typical_solved_per_hour: tuple[float, ...] | None = None


def _backlog_at(p: Parts, t: datetime) -> int:
    """Unsolved at instant ``t`` (on or after ``p.fresh_start``) by the backlog rule."""
    current = p.current("current")
    settled = p.fresh_slot
    before = current["created_before"] - current["ended_before"]
    before += int(p.table("created").per_slot("n")[:settled].sum())
    before -= int(p.table("ended").per_slot("n")[:settled].sum())
    m, lo, hi = moments(p), micros(p.fresh_start), micros(t)
    created = (m["created_at_us"] >= lo) & (m["created_at_us"] < hi)
    ended = (m["backlog_end_us"] >= lo) & (m["backlog_end_us"] < hi)
    return before + int(created.sum()) - int(ended.sum())


def _hourly(p: Parts, ts: str, day: int) -> tuple[int, ...]:
    hours = moments(p)[f"{ts}_hour"][in_day(p, ts, day)]
    return tuple(int(n) for n in np.bincount(hours, minlength=24)[:24])


def _agents(activity: pl.DataFrame, state: pl.Expr) -> int | None:
    return None if activity.height == 0 else int(activity.select(state.sum()).item())


def ops_from_parts(p: Parts, frames: Frames, cfg: Config) -> OpsFigures:
    w, today = p.w, p.w.today_slot
    slots = typical.baseline_slots(p, cfg, typical.history_start(cfg, w.now))
    ops = OpsFigures(
        backlog_now=_backlog_at(p, w.now),
        backlog_24h_ago=_backlog_at(p, w.now - timedelta(hours=24)),
        created_per_hour_today=_hourly(p, "created_at", today),
        solved_per_hour_today=_hourly(p, "solve_time", today),
        created_per_hour_yesterday=_hourly(p, "created_at", today - 1),
        solved_per_hour_yesterday=_hourly(p, "solve_time", today - 1),
        typical_created_per_hour=typical.per_hour(p, "created_tod", slots),
        typical_solved_per_hour=typical.per_hour(p, "solved_tod", slots),
    )
    if not cfg.talk.enabled:
        return ops
    activity = frames.agents_activity
    online = (pl.col("agent_state") == "online").fill_null(False)
    status = pl.col("call_status")
    return replace(
        ops,
        agents_available=_agents(activity, online & status.is_null()),
        agents_on_call=_agents(activity, (status == "on_call").fill_null(False)),
    )
