"""``compute_snapshot``: the KPIS.md snapshot from scratch (what ``deskwatch export`` writes)."""

from __future__ import annotations

from datetime import datetime

from deskwatch.config import Config
from deskwatch.kpis.engine import KpiEngine
from deskwatch.kpis.filters import TicketFilter
from deskwatch.kpis.snapshot import KpiSnapshot
from deskwatch.store import Frames


def compute_snapshot(
    frames: Frames, cfg: Config, now: datetime, flt: TicketFilter | None = None
) -> KpiSnapshot:
    """Every KPI of KPIS.md at ``now`` (timezone-aware) from ``frames`` (``cache.frames``).

    Pure: reads only its arguments (no clock, no I/O), never mutates ``frames``. Day
    boundaries are local midnights in ``cfg.account.tz``; ``cfg.kpis.window_days`` and
    ``cfg.kpis.time_basis`` choose the window and the metric basis; ``cfg.talk.enabled``
    false gives ``talk = None``. Raises ValueError for a naive ``now``. The same code as the
    app's :class:`~deskwatch.kpis.engine.KpiEngine`, built afresh. ``flt`` narrows the tickets
    (and their ratings) every ticket figure counts (:func:`deskwatch.kpis.filters.resolve`).
    """
    engine = KpiEngine(cfg, flt)
    engine.update(frames, None)
    return engine.compute(now)
