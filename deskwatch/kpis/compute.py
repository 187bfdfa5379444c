"""``compute_snapshot``: the one code path from frames to the KPIS.md snapshot."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.agents import agent_kpis
from deskwatch.kpis.csat import csat_kpis, rating_query
from deskwatch.kpis.snapshot import SCHEMA, KpiSnapshot
from deskwatch.kpis.talk import call_query, leg_query, talk_kpis
from deskwatch.kpis.tickets import ticket_events_from, ticket_kpis, ticket_queries
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
    # every pass over the big frames, planned lazily and run together (parallel)
    ticket_q = ticket_queries(frames.tickets, cfg, w)
    collected = pl.collect_all(
        [*ticket_q, rating_query(frames.ratings, w), call_query(frames.calls, w)]
        + ([leg_query(frames.legs, w)] if cfg.talk.enabled else [])
    )
    n = len(ticket_q)
    tev = ticket_events_from(collected[:n], w)
    rev, cev = collected[n], collected[n + 1]
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
            talk_kpis(cev, collected[n + 2], frames.queue, frames.users, w)
            if cfg.talk.enabled
            else None
        ),
    )
