"""``compute_snapshot``: the one code path from frames to the KPIS.md snapshot."""

from __future__ import annotations

from datetime import datetime

from deskwatch.config import Config
from deskwatch.kpis.agents import agent_kpis
from deskwatch.kpis.csat import csat_kpis, rating_events
from deskwatch.kpis.snapshot import SCHEMA, KpiSnapshot
from deskwatch.kpis.talk import call_events, talk_kpis
from deskwatch.kpis.tickets import ticket_events, ticket_kpis
from deskwatch.kpis.windows import make_windows
from deskwatch.store import Frames


def compute_snapshot(frames: Frames, cfg: Config, now: datetime) -> KpiSnapshot:
    """Every KPI of KPIS.md at ``now`` (timezone-aware) from ``frames`` (``cache.frames``).

    Pure: reads only its arguments (no clock, no I/O), never mutates ``frames``. Day
    boundaries are local midnights in ``cfg.account.tz``; ``cfg.kpis.window_days`` and
    ``cfg.kpis.time_basis`` choose the window and the metric basis; ``cfg.talk.enabled``
    false gives ``talk = None``. Raises ValueError for a naive ``now``.
    """
    w = make_windows(cfg, now)
    tev = ticket_events(frames.tickets, cfg, w)
    rev = rating_events(frames.ratings, w)
    cev = call_events(frames.calls, w)
    return KpiSnapshot.from_parts(
        schema=SCHEMA,
        now=w.now_local.isoformat(),
        timezone=cfg.account.timezone,
        time_basis=cfg.kpis.time_basis,
        window={
            "days": cfg.kpis.window_days,
            "start": w.dates[0].isoformat(),
            "end": w.dates[-1].isoformat(),
        },
        tickets=ticket_kpis(frames.tickets, cfg, w, tev),
        csat=csat_kpis(frames.ratings, w, rev),
        agents=agent_kpis(frames.users, tev, rev, cev, w),
        talk=(
            talk_kpis(cev, frames.legs, frames.queue, frames.users, w) if cfg.talk.enabled else None
        ),
    )
