"""The agents dashboard's view: the leaderboard over the KPI window.

One row per agent (KPIS.md ``agents`` plus ``KpiSnapshot.board``): rank (the KPIS.md order:
most solved, then best CSAT), the change against the previous window of equal length, name,
solved, first reply median, resolution mean, CSAT (score and how many rated), one-touch rate,
calls accepted, talk time mean, solved per day (a sparkline) and the live Talk state. The
columns are declared once (:data:`COLUMNS`): header, how a cell reads, how it sorts. Agents
with nothing in the window are idle: ranked none, listed last (or hidden by the screen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deskwatch.config import Config
from deskwatch.format import fmt_count, fmt_minutes, fmt_ratio, fmt_seconds
from deskwatch.kpis.board import AgentBoard
from deskwatch.kpis.snapshot import AgentKpis, KpiSnapshot
from deskwatch.views.figures import PARTIAL_NOTE

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_DAYS = 14  # the sparkline's last days (the whole window would not fit 80 columns)
MEDALS = {1: "①", 2: "②", 3: "③"}


@dataclass(frozen=True)
class AgentRow:
    agent_id: int
    name: str
    rank: int | None  # None: idle (nothing in the window)
    previous_rank: int | None
    kpis: AgentKpis
    solved_daily: tuple[int, ...]
    talk_state: str | None
    #: whether rank changes are known (the synced history covers the previous window)
    previous_known: bool = True

    @property
    def idle(self) -> bool:
        return self.rank is None

    @property
    def rated(self) -> int:
        return self.kpis.csat_good + self.kpis.csat_bad


@dataclass(frozen=True)
class Column:
    id: str
    header: str
    cell: Callable[[AgentRow], str]
    #: the sort value (None sorts last either way)
    value: Callable[[AgentRow], Any]
    #: the first sort direction when chosen: True for "bigger first"
    descending: bool = True
    talk: bool = False  # shown only where Talk is on


def spark(counts: tuple[int, ...]) -> str:
    """A sparkline of ``counts`` scaled to their max (all blank-low when all are 0)."""
    if not counts:
        return ""
    top = max(counts)
    if top <= 0:
        return SPARKS[0] * len(counts)
    return "".join(SPARKS[min(7, round(c / top * 7))] for c in counts)


def rank_cell(r: AgentRow) -> str:
    if r.rank is None:
        return "—"
    return f"{MEDALS.get(r.rank, ' ')} {r.rank}"


def change_cell(r: AgentRow) -> str:
    if r.rank is None or not r.previous_known:
        return ""
    if r.previous_rank is None:
        return "new"
    moved = r.previous_rank - r.rank
    return "=" if moved == 0 else (f"▲{moved}" if moved > 0 else f"▼{-moved}")


def _csat(r: AgentRow) -> str:
    return "—" if not r.rated else f"{fmt_ratio(r.kpis.csat_score)} ({r.rated})"


COLUMNS: tuple[Column, ...] = (
    Column("rank", "#", rank_cell, lambda r: r.rank, descending=False),
    Column("change", "±", change_cell, lambda r: _moved(r)),
    Column("name", "Agent", lambda r: r.name, lambda r: r.name.casefold(), descending=False),
    Column("solved", "Solved", lambda r: fmt_count(r.kpis.solved), lambda r: r.kpis.solved),
    Column(
        "first_reply",
        "1st reply",
        lambda r: fmt_minutes(r.kpis.first_reply_minutes_median),
        lambda r: r.kpis.first_reply_minutes_median,
        descending=False,
    ),
    Column(
        "resolution",
        "Resolution",
        lambda r: fmt_minutes(r.kpis.full_resolution_minutes_mean),
        lambda r: r.kpis.full_resolution_minutes_mean,
        descending=False,
    ),
    Column("csat", "CSAT (n)", _csat, lambda r: r.kpis.csat_score),
    Column(
        "one_touch",
        "1-touch",
        lambda r: fmt_ratio(r.kpis.one_touch_rate),
        lambda r: r.kpis.one_touch_rate,
    ),
    Column(
        "calls",
        "Calls",
        lambda r: fmt_count(r.kpis.calls_accepted),
        lambda r: r.kpis.calls_accepted,
        talk=True,
    ),
    Column(
        "talk_time",
        "Talk avg",
        lambda r: fmt_seconds(r.kpis.talk_time_seconds_mean),
        lambda r: r.kpis.talk_time_seconds_mean,
        talk=True,
    ),
    Column(
        "trend",
        "Solved/day",
        lambda r: spark(r.solved_daily[-SPARK_DAYS:]),
        lambda r: sum(r.solved_daily[-SPARK_DAYS:]),
    ),
    Column("state", "Talk", lambda r: r.talk_state or "", lambda r: r.talk_state, talk=True),
)
BY_ID = {c.id: c for c in COLUMNS}


def _moved(r: AgentRow) -> int | None:
    if r.rank is None or r.previous_rank is None or not r.previous_known:
        return None
    return r.previous_rank - r.rank


@dataclass(frozen=True)
class AgentsView:
    rows: tuple[AgentRow, ...]  # in rank order, idle agents last
    columns: tuple[Column, ...]
    window_days: int
    scope: str  # the filter ("" when none)
    #: the note while the history backfill runs (every figure here reads the window)
    partial: str = ""


def _active(a: AgentKpis) -> bool:
    return bool(
        a.solved
        or a.csat_good
        or a.csat_bad
        or a.calls_accepted
        or a.first_reply_minutes_median is not None
    )


def view(
    snap: KpiSnapshot | None, cfg: Config, now: datetime, *, partial: bool = False
) -> AgentsView:
    """The leaderboard for ``snap`` (None: nothing computed yet); ``partial``: the history
    backfill is under way, so the window (every figure here) is incomplete."""
    columns = tuple(c for c in COLUMNS if cfg.talk.enabled or not c.talk)
    note = PARTIAL_NOTE if partial else ""
    if snap is None:
        return AgentsView((), columns, cfg.kpis.window_days, "", note)
    rows = []
    rank = 0
    for a in snap.agents:  # KPIS.md order: the rank
        extra = snap.board.of(a.agent_id)
        active = _active(a)
        rank += active
        rows.append(
            AgentRow(
                agent_id=a.agent_id,
                name=a.name or f"#{a.agent_id}",
                rank=rank if active else None,
                previous_rank=extra.previous_rank if extra is not None else None,
                kpis=a,
                solved_daily=extra.solved_daily if extra is not None else (),
                talk_state=extra.talk_state if extra is not None else None,
                previous_known=snap.board.previous_known,
            )
        )
    rows.sort(key=lambda r: r.idle)  # stable: idle agents last, the rest in rank order
    return AgentsView(tuple(rows), columns, cfg.kpis.window_days, snap.scope, note)


def sort_rows(
    rows: tuple[AgentRow, ...], column: str, descending: bool, *, show_idle: bool = True
) -> list[AgentRow]:
    """``rows`` by ``column`` (nulls last either way, then rank); idle agents always last."""
    col = BY_ID[column]
    kept = [r for r in rows if show_idle or not r.idle]
    ties = sorted(kept, key=lambda r: (r.idle, r.rank or 0, r.agent_id))
    present = [r for r in ties if col.value(r) is not None]
    absent = [r for r in ties if col.value(r) is None]
    present.sort(key=col.value, reverse=descending)  # stable: ties keep rank order
    ordered = present + absent
    return sorted(ordered, key=lambda r: r.idle)


def board_of(snap: KpiSnapshot, agent_id: int) -> AgentBoard | None:
    return snap.board.of(agent_id)
