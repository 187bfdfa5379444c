"""The KPI catalogue: every figure a dashboard shows, declared once.

One :class:`Kpi` per figure: its id (the snapshot path it reads, so one grep of the id finds the
contract key, this declaration, the screens and the tests), its label, unit, which direction is
good news, the ``[targets]`` key it is held against, the streams it is computed from (a figure
is stale when one of them is), how it is read from the typed snapshot, how the same figure read
yesterday at this clock time (for "vs yesterday"), and the drill-down query that lists its
records (issue 14 fills ``drill``). Screens, help and legends, tests, and later alerts and
filters read it; nothing else names a figure's label or path.

Adding a KPI: compute it in a ``deskwatch.kpis`` module, give it a field in
``deskwatch.kpis.snapshot`` (and KPIS.md if exported), declare it here, and list its id in a
view (``deskwatch.views``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from deskwatch.config import Config
from deskwatch.kpis.snapshot import DurationKpis, KpiSnapshot

T = TypeVar("T")
Unit = Literal["count", "minutes", "ratio", "seconds"]
#: which way is good news: "up" (solved), "down" (unassigned), None (neither: created)
Good = Literal["up", "down"] | None


@dataclass(frozen=True)
class Kpi(Generic[T]):
    id: str
    label: str
    unit: Unit
    good: Good
    streams: tuple[str, ...]
    read: Callable[[KpiSnapshot], T]
    #: the same figure yesterday at this clock time; None: no history (no change shown)
    before: Callable[[KpiSnapshot], T | None] | None = None
    #: the figure's target from the config (``[targets]``); None: no target
    target: Callable[[Config], float | None] | None = None
    #: one line for help screens and legends
    help: str = ""
    #: the query listing the records behind the figure (drill-down, issue 14)
    drill: Any = None

    def value(self, snap: KpiSnapshot | None) -> T | None:
        return None if snap is None else self.read(snap)

    def previous(self, snap: KpiSnapshot | None) -> T | None:
        return None if snap is None or self.before is None else self.before(snap)

    def target_of(self, cfg: Config) -> float | None:
        return None if self.target is None else self.target(cfg)

    @property
    def up_is_good(self) -> bool | None:
        return None if self.good is None else self.good == "up"


def _unsolved_yesterday(s: KpiSnapshot) -> int:
    """Today's unsolved count less the backlog's change over 24 h (KPIS.md backlog rule)."""
    return s.tickets.unsolved - (s.ops.backlog_now - s.ops.backlog_24h_ago)


TICKETS = ("tickets",)

CREATED_TODAY: Kpi[int] = Kpi(
    id="tickets.created.today",
    label="Created today",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.tickets.created.today,
    before=lambda s: s.tickets.created.yesterday_same_time,
    help="Tickets created since local midnight, vs yesterday up to the same time",
)
UNASSIGNED: Kpi[int] = Kpi(
    id="tickets.unassigned",
    label="Unassigned",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.unassigned,
    help="Unsolved tickets with no assignee (Zendesk keeps no history: share of unsolved)",
)
OPEN: Kpi[int] = Kpi(
    id="tickets.status.open",
    label="Open",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.status.open,
    help="Tickets in status open now (no history: shown as a share of unsolved)",
)
UNSOLVED: Kpi[int] = Kpi(
    id="tickets.unsolved",
    label="Unsolved",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.unsolved,
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
    help="Tickets waiting on the requester",
)
SOLVED_TODAY: Kpi[int] = Kpi(
    id="tickets.solved.today",
    label="Solved today",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.tickets.solved.today,
    before=lambda s: s.tickets.solved.yesterday_same_time,
    help="Tickets solved since local midnight, vs yesterday up to the same time",
)
ESCALATED: Kpi[int] = Kpi(
    id="tickets.escalated",
    label="Escalated",
    unit="count",
    good="down",
    streams=TICKETS,
    read=lambda s: s.tickets.escalated,
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
)
CREATED_PER_HOUR: Kpi[tuple[int, ...]] = Kpi(
    id="ops.created_per_hour_today",
    label="created",
    unit="count",
    good=None,
    streams=TICKETS,
    read=lambda s: s.ops.created_per_hour_today,
    help="Tickets created per local clock hour today",
)
SOLVED_PER_HOUR: Kpi[tuple[int, ...]] = Kpi(
    id="ops.solved_per_hour_today",
    label="solved",
    unit="count",
    good="up",
    streams=TICKETS,
    read=lambda s: s.ops.solved_per_hour_today,
    help="Tickets solved per local clock hour today",
)

#: every declared figure, by id
CATALOGUE: dict[str, Kpi[Any]] = {
    k.id: k
    for k in (
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
    )
}
