"""The KPI catalogue: every figure a dashboard shows, declared once.

One :class:`Kpi` per figure: its id (the snapshot path it reads, so one grep of the id finds the
contract key, this declaration, the screens and the tests), its label, unit, which direction is
good news, the ``[targets]`` key it is held against, the streams it is computed from (a figure
is stale when one of them is), how it is read from the typed snapshot, how the same figure read
yesterday at this clock time (for "vs yesterday"), and the drill-down query that lists its
records (``drill``: a :class:`deskwatch.kpis.drill.Drill` over the spec the figure is
computed from, so its listing holds exactly the figure's tickets). Screens, help and legends,
tests, and later alerts and filters read it; nothing else names a figure's label or path.

Adding a KPI: compute it in a ``deskwatch.kpis`` module, give it a field in
``deskwatch.kpis.snapshot`` (and KPIS.md if exported), declare it here, and list its id in a
view (``deskwatch.views``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deskwatch.kpis.catalogue_talk import TALK_FIGURES
from deskwatch.kpis.drill import Drill
from deskwatch.kpis.figure import Good, Kpi, Unit
from deskwatch.kpis.snapshot import (
    BacklogDay,
    ByType,
    CsatDay,
    DurationKpis,
    GoodBad,
    KpiSnapshot,
    OneTouch,
    Projection,
    Reopened,
    StatusCounts,
    Typical,
)
from deskwatch.kpis.tickets import UNSOLVED as UNSOLVED_STATUSES

__all__ = ["CATALOGUE", "Good", "Kpi", "Unit"]


def _unsolved_yesterday(s: KpiSnapshot) -> int:
    """Today's unsolved count less the backlog's change over 24 h (KPIS.md backlog rule)."""
    return s.tickets.unsolved - (s.ops.backlog_now - s.ops.backlog_24h_ago)


TICKETS = ("tickets",)

CREATED_TODAY: Kpi[int] = Kpi(
    id="tickets.created.today",
    today_only=True,
    label="Created today",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.tickets.created.today,
    drill=Drill("created", span="today"),
    before=lambda s: s.tickets.created.yesterday_same_time,
    typical=lambda s: s.typical.created,
    help="Tickets created since local midnight, vs yesterday and typical up to the same time",
)
UNASSIGNED: Kpi[int] = Kpi(
    id="tickets.unassigned",
    label="Unassigned",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.unassigned,
    drill=Drill("current", ("unassigned",)),
    help="Unsolved tickets with no assignee (Zendesk keeps no history: share of unsolved)",
)
OPEN: Kpi[int] = Kpi(
    id="tickets.status.open",
    label="Open",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.status.open,
    drill=Drill("current", ("open",)),
    help="Tickets in status open now (no history: shown as a share of unsolved)",
)
UNSOLVED: Kpi[int] = Kpi(
    id="tickets.unsolved",
    label="Unsolved",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.unsolved,
    drill=Drill("current", UNSOLVED_STATUSES),
    before=_unsolved_yesterday,
    help="New, open, pending and on-hold tickets; the change is the backlog's over 24 h",
)
PENDING: Kpi[int] = Kpi(
    id="tickets.status.pending",
    label="Pending",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.tickets.status.pending,
    drill=Drill("current", ("pending",)),
    help="Tickets waiting on the requester",
)
SOLVED_TODAY: Kpi[int] = Kpi(
    id="tickets.solved.today",
    today_only=True,
    label="Solved today",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.tickets.solved.today,
    drill=Drill("solves", span="today"),
    before=lambda s: s.tickets.solved.yesterday_same_time,
    typical=lambda s: s.typical.solved,
    help="Tickets solved since local midnight, vs yesterday and typical up to the same time",
)
ESCALATED: Kpi[int] = Kpi(
    id="tickets.escalated",
    label="Escalated",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.escalated,
    drill=Drill("escalated", ("escalated",)),
    help="Unsolved tickets with an escalation priority or tag ([escalation])",
)
FIRST_REPLY_MINUTES: Kpi[DurationKpis] = Kpi(
    id="tickets.first_reply_minutes",
    label="First reply time",
    unit="minutes",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.first_reply_minutes,
    target=lambda cfg: cfg.targets.first_reply_minutes,
    help="Minutes to the first public reply (time_basis), by when the reply happened",
    unlisted="a median of durations, not a count: there is no list behind it",
)
FULL_RESOLUTION_MINUTES: Kpi[DurationKpis] = Kpi(
    id="tickets.full_resolution_minutes",
    label="Full resolution time",
    unit="minutes",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.full_resolution_minutes,
    target=lambda cfg: cfg.targets.full_resolution_minutes,
    help="Minutes from creation to the final solve (time_basis), by solve time",
    unlisted="a median of durations, not a count: there is no list behind it",
)
CREATED_PER_HOUR: Kpi[tuple[int, ...]] = Kpi(
    id="ops.created_per_hour_today",
    today_only=True,
    label="created",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.ops.created_per_hour_today,
    drill=Drill("created", span="hour"),
    help="Tickets created per local clock hour today",
)
SOLVED_PER_HOUR: Kpi[tuple[int, ...]] = Kpi(
    id="ops.solved_per_hour_today",
    today_only=True,
    label="solved",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.ops.solved_per_hour_today,
    drill=Drill("solves", span="hour"),
    help="Tickets solved per local clock hour today",
)

# -- the KPI dashboard: the window (kpis.window_days) --------------------------------------------
RATINGS = ("ratings",)

CREATED_WINDOW: Kpi[int] = Kpi(
    id="tickets.created.window",
    label="Created",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.tickets.created.window,
    help="Tickets created in the KPI window (the last kpis.window_days days)",
    drill=Drill("created", span="window"),
)
SOLVED_WINDOW: Kpi[int] = Kpi(
    id="tickets.solved.window",
    label="Solved",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.tickets.solved.window,
    help="Tickets solved in the window, by solve time",
    drill=Drill("solves", span="window"),
)
STATUS: Kpi[StatusCounts] = Kpi(
    id="tickets.status",
    label="Ticket status",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.tickets.status,
    help="Every ticket by its status now (new, open, pending, on hold, solved, closed)",
    drill=Drill("current", by="status"),
)
REOPENED: Kpi[Reopened] = Kpi(
    id="tickets.reopened",
    label="Reopened",
    unit="ratio",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.reopened,
    help="Of the tickets created in the window, those reopened at least once",
    drill=Drill("created", ("reopened",), span="window"),
    lists=lambda s: ((None, s.tickets.reopened.count),),
)
ONE_TOUCH: Kpi[OneTouch] = Kpi(
    id="tickets.one_touch",
    label="One-touch",
    unit="ratio",
    good="up",
    streams=TICKETS,
    read=lambda s: s.tickets.one_touch,
    help="Of the tickets solved in the window, those solved with one public reply",
    drill=Drill("solves", ("one_touch",), span="window"),
    lists=lambda s: ((None, s.tickets.one_touch.count),),
)
BY_TYPE: Kpi[ByType] = Kpi(
    id="tickets.by_type",
    label="By type",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.tickets.by_type,
    help="Tickets created in the window by type (none: no type set)",
    drill=Drill("created", span="window", by="type", null_as="none"),
)
BY_CHANNEL: Kpi[Mapping[str, int]] = Kpi(
    id="tickets.by_channel",
    label="By channel",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.tickets.by_channel,
    help="Tickets created in the window by channel (via.channel; unknown: not given)",
    drill=Drill("created", span="window", by="channel", null_as="unknown"),
)
BACKLOG_DAILY: Kpi[tuple[BacklogDay, ...]] = Kpi(
    id="tickets.backlog_daily",
    label="Backlog",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.backlog_daily,
    help="Unsolved tickets at the end of each day of the window (now for today)",
    unlisted="a count at the end of past days: Zendesk keeps no past states to list "
    "(Enter on Unsolved lists the backlog now)",
)
COST_PER_TICKET: Kpi[float | None] = Kpi(
    id="tickets.cost_per_ticket",
    label="Cost/ticket",
    unit="money",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.cost_per_ticket,
    help="cost.monthly_support_cost so far this month over the tickets solved this month",
    unlisted="a cost, not a count: Enter on Solved lists the tickets solved",
)
CSAT_SCORE: Kpi[float | None] = Kpi(
    id="csat.score",
    label="CSAT",
    unit="ratio",
    good="up",
    streams=RATINGS,
    read=lambda s: s.csat.score,
    target=lambda cfg: cfg.targets.csat,
    help="Satisfaction: good / (good + bad) ratings in the window, against targets.csat",
    drill=Drill("csat", span="window", stream="ratings"),
    lists=lambda s: ((None, s.csat.good + s.csat.bad),),
)
CSAT_GOOD: Kpi[int] = Kpi(
    id="csat.good",
    label="Good ratings",
    unit="count",
    good="up",
    streams=RATINGS,
    read=lambda s: s.csat.good,
    help="Good satisfaction ratings in the window",
    drill=Drill("csat", ("good",), span="window", stream="ratings"),
)
CSAT_BAD: Kpi[int] = Kpi(
    id="csat.bad",
    label="Bad ratings",
    unit="count",
    good="down",
    streams=RATINGS,
    read=lambda s: s.csat.bad,
    help="Bad satisfaction ratings in the window",
    drill=Drill("csat", ("bad",), span="window", stream="ratings"),
)
CSAT_TODAY: Kpi[GoodBad] = Kpi(
    id="csat.today",
    today_only=True,
    label="CSAT today",
    unit="ratio",
    good="up",
    streams=RATINGS,
    read=lambda s: s.csat.today,
    target=lambda cfg: cfg.targets.csat,
    help="Good and bad ratings since local midnight and their score",
    drill=Drill("csat", span="today", stream="ratings"),
    lists=lambda s: ((None, s.csat.today.good + s.csat.today.bad),),
)
CSAT_DAILY: Kpi[tuple[CsatDay, ...]] = Kpi(
    id="csat.daily",
    label="CSAT by day",
    unit="ratio",
    good="up",
    streams=RATINGS,
    read=lambda s: s.csat.daily,
    target=lambda cfg: cfg.targets.csat,
    help="The satisfaction score of each day of the window, against targets.csat",
    drill=Drill("csat", span="day", stream="ratings"),
    lists=lambda s: tuple((d.date, d.good + d.bad) for d in s.csat.daily),
)

TYPICAL_HELP = "median (p25-p75) over the same weekday of the last [baselines] weeks"
CALLS = ("calls",)

TYPICAL_CREATED: Kpi[Typical] = Kpi(
    id="typical.created",
    label="Typical created",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.typical.created,
    help=f"Tickets created by this clock time and all day, {TYPICAL_HELP}",
    unlisted="a typical day (medians over past days), not records",
)
TYPICAL_SOLVED: Kpi[Typical] = Kpi(
    id="typical.solved",
    label="Typical solved",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.typical.solved,
    help=f"Tickets solved by this clock time and all day, {TYPICAL_HELP}",
    unlisted="a typical day (medians over past days), not records",
)
TYPICAL_INBOUND_CALLS: Kpi[Typical | None] = Kpi(
    id="typical.inbound_calls",
    label="Typical inbound calls",
    unit="count",
    good=None,
    streams=CALLS,
    read=lambda s: s.typical.inbound_calls,
    help=f"Inbound calls by this clock time and all day, {TYPICAL_HELP}",
    unlisted="a typical day (medians over past days), not records",
)
PROJECTED_CREATED: Kpi[Projection | None] = Kpi(
    id="projection.created",
    label="Projected created",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.projection.created,
    help="Tickets created by the end of today: so far + the typical rest of the day (range)",
    unlisted="a typical day (medians over past days), not records",
)
PROJECTED_SOLVED: Kpi[Projection | None] = Kpi(
    id="projection.solved",
    label="Projected solved",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.projection.solved,
    help="Tickets solved by the end of today: so far + the typical rest of the day (range)",
    unlisted="a typical day (medians over past days), not records",
)
PROJECTED_INBOUND_CALLS: Kpi[Projection | None] = Kpi(
    id="projection.inbound_calls",
    label="Projected inbound calls",
    unit="count",
    good=None,
    streams=CALLS,
    read=lambda s: s.projection.inbound_calls,
    help="Inbound calls by the end of today: so far + the typical rest of the day (range)",
    unlisted="a typical day (medians over past days), not records",
)
TYPICAL_CREATED_PER_HOUR: Kpi[tuple[float, ...] | None] = Kpi(
    id="ops.typical_created_per_hour",
    label="typical created",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.ops.typical_created_per_hour,
    help="Per local clock hour, the median created over the baseline days",
    unlisted="a typical day (medians over past days), not records",
)
TYPICAL_SOLVED_PER_HOUR: Kpi[tuple[float, ...] | None] = Kpi(
    id="ops.typical_solved_per_hour",
    label="typical solved",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.ops.typical_solved_per_hour,
    help="Per local clock hour, the median solved over the baseline days",
    unlisted="a typical day (medians over past days), not records",
)

_FIGURES: tuple[Kpi[Any], ...] = (
    CREATED_TODAY,
    UNASSIGNED,
    OPEN,
    UNSOLVED,
    PENDING,
    SOLVED_TODAY,
    ESCALATED,
    FIRST_REPLY_MINUTES,
    FULL_RESOLUTION_MINUTES,
    CREATED_PER_HOUR,
    SOLVED_PER_HOUR,
    CREATED_WINDOW,
    SOLVED_WINDOW,
    STATUS,
    REOPENED,
    ONE_TOUCH,
    BY_TYPE,
    BY_CHANNEL,
    BACKLOG_DAILY,
    COST_PER_TICKET,
    CSAT_SCORE,
    CSAT_GOOD,
    CSAT_BAD,
    CSAT_TODAY,
    CSAT_DAILY,
    TYPICAL_CREATED,
    TYPICAL_SOLVED,
    TYPICAL_INBOUND_CALLS,
    PROJECTED_CREATED,
    PROJECTED_SOLVED,
    PROJECTED_INBOUND_CALLS,
    TYPICAL_CREATED_PER_HOUR,
    TYPICAL_SOLVED_PER_HOUR,
    *TALK_FIGURES,
)
#: every declared figure, by id
CATALOGUE: dict[str, Kpi[Any]] = {k.id: k for k in _FIGURES}

#: an agent's figures (KPIS.md ``agents``, window) -> the tickets behind them (argument: agent)
AGENT_DRILLS: dict[str, Drill] = {
    "solved": Drill("solves", span="window", agent=True),
    "first_reply_minutes_median": Drill("first_reply_minutes", span="window", agent=True),
}
#: the agent page's open tickets: unsolved, assigned to the agent (argument: agent)
AGENT_OPEN = Drill("current", UNSOLVED_STATUSES, agent=True, key="assignee_id")
#: the agent page's calls today, any direction (argument: agent)
AGENT_CALLS_TODAY = Drill("calls", span="today", stream="calls", agent=True, key="agent_id")
