"""What one figure's declaration in the KPI catalogue holds (:class:`Kpi`).

The declarations themselves are in :mod:`deskwatch.kpis.catalogue` (tickets, CSAT and the
operations figures) and :mod:`deskwatch.kpis.catalogue_talk` (Talk); ``CATALOGUE`` holds them all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from deskwatch.config import Config
from deskwatch.kpis.drill import Arg, Drill
from deskwatch.kpis.snapshot import KpiSnapshot, Typical

T = TypeVar("T")
Unit = Literal["count", "minutes", "ratio", "seconds", "money"]
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
    #: the query listing the records behind the figure (drill-down); for a bar chart its
    #: argument names the bar (an hour, a status, a reason, a date, an agent)
    drill: Drill | None = None
    #: how many records the drill lists, per argument: snapshot -> ((argument, count), ...);
    #: by default the figure's value for a count, each bar for counts by key
    lists: Callable[[KpiSnapshot], Sequence[tuple[Arg, int]]] | None = None
    #: why the figure lists no records (the screen says so rather than opening a list)
    unlisted: str = ""
    #: the figure's typical day (KPIS.md "Typical day and projection"), for "vs typical"
    typical: Callable[[KpiSnapshot], Typical | None] | None = None
    #: the figure reads only what changed today, or a live listing (today's exports from
    #: midnight hold it all): complete while the history backfill runs. False (the default):
    #: it reads days before today (a window, a daily series, the tickets still open), so
    #: it is shown as partial until the backfill is done
    today_only: bool = False

    def drill_counts(self, snap: KpiSnapshot | None) -> tuple[tuple[Arg, int], ...]:
        """(argument, how many records its listing holds) for each list behind the figure:
        one ``(None, n)`` for a count, one per bar of a chart; () when nothing is listed."""
        value = self.value(snap)
        if self.drill is None or value is None:
            return ()
        if self.lists is not None:
            assert snap is not None
            return tuple(self.lists(snap))
        if isinstance(value, int):
            return ((None, value),)
        if isinstance(value, tuple):  # per hour
            return tuple(enumerate(value))
        if isinstance(value, Mapping):
            return tuple(value.items())
        if dataclasses.is_dataclass(value):
            return tuple((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
        raise TypeError(f"{self.id}: say what its drill lists (lists=...)")

    def typical_of(self, snap: KpiSnapshot | None) -> Typical | None:
        return None if snap is None or self.typical is None else self.typical(snap)

    def value(self, snap: KpiSnapshot | None) -> T | None:
        return None if snap is None else self.read(snap)

    def previous(self, snap: KpiSnapshot | None) -> T | None:
        return None if snap is None or self.before is None else self.before(snap)

    def target_of(self, cfg: Config) -> float | None:
        return None if self.target is None else self.target(cfg)

    @property
    def up_is_good(self) -> bool | None:
        return None if self.good is None else self.good == "up"
