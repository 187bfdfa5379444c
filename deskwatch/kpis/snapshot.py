"""The typed, immutable KPI snapshot: one object the screens and ``deskwatch export`` both read.

Every section of the ``../shared/KPIS.md`` JSON contract is a frozen dataclass whose fields are
the contract's keys, in the contract's order, with real types: ``snap.tickets.status.open``,
``snap.tickets.first_reply_minutes.daily[0].median``; mypy rejects a field that does not
exist. ``to_dict()`` gives the contract as plain JSON values (``to_json()`` serialises it);
:attr:`KpiSnapshot.ops` carries the operations screen's figures that the contract does not
(yet) hold, so screens read one bundle and the export writes only the contract.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deskwatch.kpis.board import Board
from deskwatch.kpis.ops import OpsFigures
from deskwatch.kpis.plain import from_plain, to_plain

SCHEMA = "deskwatch.kpis/2"
EMPTY_BOARD = Board()

# -- shared shapes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stats:
    """KPIS.md STATS: mean, median and p90 are None when count is 0."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True, slots=True)
class DailyStats:
    date: str
    count: int
    mean: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True, slots=True)
class DurationKpis:
    """A time KPI in minutes (first reply, full resolution) over KPIS.md's ranges."""

    today: Stats
    yesterday: Stats
    month_to_date: Stats
    window: Stats
    daily: tuple[DailyStats, ...]


@dataclass(frozen=True, slots=True)
class Window:
    days: int
    start: str
    end: str


# -- tickets ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusCounts:
    new: int
    open: int
    pending: int
    hold: int
    solved: int
    closed: int


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Tickets today, yesterday up to the same clock time, and in the window."""

    today: int
    yesterday_same_time: int
    window: int


@dataclass(frozen=True, slots=True)
class Reopened:
    count: int
    of_created: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class OneTouch:
    count: int
    of_solved: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class ByType:
    question: int
    incident: int
    problem: int
    task: int
    none: int


@dataclass(frozen=True, slots=True)
class BacklogDay:
    date: str
    unsolved: int


@dataclass(frozen=True, slots=True)
class TicketKpis:
    status: StatusCounts
    unsolved: int
    unassigned: int
    escalated: int
    created: DayCounts
    solved: DayCounts
    first_reply_minutes: DurationKpis
    full_resolution_minutes: DurationKpis
    reopened: Reopened
    one_touch: OneTouch
    by_type: ByType
    by_channel: Mapping[str, int]
    backlog_daily: tuple[BacklogDay, ...]
    cost_per_ticket: float | None


# -- csat and agents ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoodBad:
    good: int
    bad: int
    score: float | None


@dataclass(frozen=True, slots=True)
class CsatDay:
    date: str
    good: int
    bad: int
    score: float | None


@dataclass(frozen=True, slots=True)
class CsatKpis:
    good: int
    bad: int
    score: float | None
    today: GoodBad
    daily: tuple[CsatDay, ...]


@dataclass(frozen=True, slots=True)
class AgentKpis:
    agent_id: int
    name: str | None
    solved: int
    first_reply_minutes_median: float | None
    full_resolution_minutes_mean: float | None
    csat_good: int
    csat_bad: int
    csat_score: float | None
    one_touch_rate: float | None
    calls_accepted: int
    talk_time_seconds_mean: float | None


# -- talk ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Queue:
    """The newest current_queue_activity (counts, and seconds for the waits)."""

    agents_online: float | None
    calls_waiting: float | None
    callbacks_waiting: float | None
    embeddable_callbacks_waiting: float | None
    average_wait_time: float | None
    longest_wait_time: float | None


@dataclass(frozen=True, slots=True)
class TodayWindow:
    today: int
    window: int


@dataclass(frozen=True, slots=True)
class Outcomes:
    exceeded_wait: int
    voicemail: int
    abandoned: int
    not_answered: int


@dataclass(frozen=True, slots=True)
class OutcomesDay:
    date: str
    exceeded_wait: int
    voicemail: int
    abandoned: int
    not_answered: int


@dataclass(frozen=True, slots=True)
class Unsuccessful:
    today: Outcomes
    window: Outcomes
    daily: tuple[OutcomesDay, ...]


@dataclass(frozen=True, slots=True)
class Efficiency:
    time_to_answer_seconds_mean: float | None
    talk_time_seconds_mean: float | None
    hold_time_seconds_mean: float | None
    wrap_up_time_seconds_mean: float | None
    wait_time_seconds_mean: float | None
    leg_talk_time_seconds_mean: float | None


@dataclass(frozen=True, slots=True)
class EfficiencyRanges:
    today: Efficiency
    window: Efficiency


@dataclass(frozen=True, slots=True)
class TopAgent:
    agent_id: int
    name: str | None
    calls_accepted: int
    talk_time_seconds_total: float
    talk_time_seconds_mean: float | None


@dataclass(frozen=True, slots=True)
class QualityDay:
    date: str
    calls: int
    with_issues: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class TalkKpis:
    queue: Queue | None
    inbound: TodayWindow
    answered: TodayWindow
    unsuccessful: Unsuccessful
    efficiency: EfficiencyRanges
    top_agents: tuple[TopAgent, ...]
    quality_daily: tuple[QualityDay, ...]
    utilization_today: float | None


@dataclass(frozen=True, slots=True)
class Filters:
    """KPIS.md ``filters``: the ticket filter the figures were computed under (sorted)."""

    groups: tuple[int, ...]
    brands: tuple[int, ...]
    channels: tuple[str, ...]


# -- typical day and projection ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quartiles:
    """Median, p25 and p75 over the baseline days (all None when none counts)."""

    median: float | None
    p25: float | None
    p75: float | None


@dataclass(frozen=True, slots=True)
class Typical:
    """KPIS.md T: a series on the same weekday over the baseline weeks."""

    so_far: Quartiles
    full_day: Quartiles
    n: int


@dataclass(frozen=True, slots=True)
class TypicalDay:
    created: Typical
    solved: Typical
    inbound_calls: Typical | None


@dataclass(frozen=True, slots=True)
class Projection:
    """KPIS.md P: today so far + the p25 / median / p75 of the rest of the baseline days."""

    low: float
    expected: float
    high: float


@dataclass(frozen=True, slots=True)
class Projections:
    created: Projection | None
    solved: Projection | None
    inbound_calls: Projection | None


# -- the snapshot -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KpiSnapshot:
    """Every KPI at one instant. Build it with :func:`deskwatch.kpis.compute_snapshot`.

    The fields up to ``projection`` are the KPIS.md contract (``talk`` is None when Talk is off,
    ``filters`` when every ticket counts); ``ops``, ``scope`` and ``board`` are not exported.
    """

    schema: str
    now: str
    timezone: str
    time_basis: str
    window: Window
    tickets: TicketKpis
    csat: CsatKpis
    agents: tuple[AgentKpis, ...]
    talk: TalkKpis | None
    filters: Filters | None
    typical: TypicalDay
    projection: Projections
    ops: OpsFigures
    #: the filter as a person reads it ("group Billing · channel email"); "" when none
    scope: str = ""
    #: the leaderboard's figures beyond the contract (solved per day, previous ranks, Talk state)
    board: Board = EMPTY_BOARD

    @classmethod
    def from_parts(
        cls, *, ops: OpsFigures, scope: str = "", board: Board | None = None, **parts: Any
    ) -> KpiSnapshot:
        """Build from the contract's plain JSON-shaped sections (checked key by key) and
        the operations figures."""
        snap = from_plain(_Contract, parts, "snapshot")
        contract = {name: getattr(snap, name) for name in CONTRACT_KEYS}
        return cls(**contract, ops=ops, scope=scope, board=board or Board())

    def to_dict(self) -> dict[str, Any]:
        """The KPIS.md contract as plain dicts/lists (a fresh copy each call)."""
        return {name: to_plain(getattr(self, name)) for name in CONTRACT_KEYS}

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


@dataclass(frozen=True, slots=True)
class _Contract:
    """The snapshot's exported part: what ``from_parts`` checks the KPI modules' output against."""

    schema: str
    now: str
    timezone: str
    time_basis: str
    window: Window
    tickets: TicketKpis
    csat: CsatKpis
    agents: tuple[AgentKpis, ...]
    talk: TalkKpis | None
    filters: Filters | None
    typical: TypicalDay
    projection: Projections


#: the top-level keys of the export, in order
CONTRACT_KEYS: tuple[str, ...] = tuple(_Contract.__dataclass_fields__)
