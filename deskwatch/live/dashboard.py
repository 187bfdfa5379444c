"""What every dashboard screen is handed to render: one immutable bundle, no I/O, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskwatch.config import Config


@dataclass(frozen=True)
class DashboardData:
    """The newest KPI snapshot plus what the screens need around it.

    ``snapshot`` is a ``deskwatch.kpis.KpiSnapshot`` (None until the first computation),
    ``ops`` the operations-screen figures from ``deskwatch.kpis.ops`` that are not part of the
    export contract (None when unavailable), ``stale`` the names of streams whose data is older
    than three times their poll interval.
    """

    cfg: Config
    now: datetime
    snapshot: Any = None
    ops: Any = None
    stale: frozenset[str] = field(default_factory=frozenset)
