"""What every dashboard screen is handed to render: one immutable bundle, no I/O, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from deskwatch.config import Config
from deskwatch.kpis import KpiSnapshot
from deskwatch.kpis.alerts import RuleState


@dataclass(frozen=True)
class DashboardData:
    """The newest KPI snapshot plus what the screens need around it.

    ``snapshot`` is None until the first computation; ``stale`` names the streams whose data
    is older than three times their poll interval (or not synced yet); ``partial`` whether the
    history backfill is still under way (figures over past days, e.g. the 30-day window, are
    then incomplete); ``unavailable`` the streams the account refuses (a Talk endpoint answered
    403/404: Talk is off on the account).
    """

    cfg: Config
    now: datetime
    snapshot: KpiSnapshot | None = None
    stale: frozenset[str] = field(default_factory=frozenset)
    partial: bool = False
    unavailable: frozenset[str] = field(default_factory=frozenset)
    #: the alert rules' states (:mod:`deskwatch.kpis.alerts`)
    alerts: tuple[RuleState, ...] = ()

    @property
    def firing(self) -> frozenset[str]:
        """The ids of figures with a firing rule."""
        return frozenset(s.rule.kpi for s in self.alerts if s.firing)
