"""A minimal app around the agents screen, fed a snapshot of generated data (fixed seed)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl
from textual.app import App

from deskwatch.bench import gen
from deskwatch.config import build_config
from deskwatch.kpis import compute_snapshot
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.agents import AgentsScreen
from deskwatch.store import Cache

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
NAMES = ["Ada Park", "Bo Lind", "Cy Ochoa", "Di Mensah", "Ed Varga", "Flo Kim", "Gus Ito"]


def make_cache(seed: int = 3, extra: int = 0) -> Cache:
    rng = np.random.default_rng(seed)
    c = Cache()
    tickets = gen.tickets(4000 + extra, NOW, rng, days=40)
    agents = gen.AGENT_BASE + np.arange(len(NAMES))
    # seven agents (one idle): reassign the generated tickets among the first six
    owner = pl.Series(agents[rng.integers(0, 6, tickets.height)])
    tickets = tickets.with_columns(
        pl.when(pl.col("assignee_id").is_null()).then(None).otherwise(owner).alias("assignee_id")
    )
    c.replace_frame("tickets", tickets)
    c.replace_frame("ratings", gen.ratings(tickets, NOW, rng))
    calls, legs = gen.calls_and_legs(600, NOW, rng)
    calls = calls.with_columns(
        pl.Series(agents[rng.integers(0, 6, calls.height)]).alias("agent_id")
    )
    c.replace_frame("calls", calls)
    c.replace_frame("legs", legs)
    c.ingest(
        "users",
        [{"id": int(a), "name": n, "role": "agent"} for a, n in zip(agents, NAMES, strict=True)],
    )
    states = [("online", "on_call"), ("online", None), ("away", None), ("offline", None)]
    c.replace_records(
        "agents_activity",
        [
            {"agent_id": int(a), "name": n, "agent_state": s, "call_status": cs}
            for a, n, (s, cs) in zip(agents[:4], NAMES[:4], states, strict=True)
        ],
        fetched_at=NOW,
    )
    return c


def make_data(cache: Cache | None = None) -> DashboardData:
    cfg = build_config({"kpis": {"window_days": 30}}, env={}, require_account=False)
    cache = cache or make_cache()
    return DashboardData(cfg, NOW, compute_snapshot(cache.frames, cfg, NOW))


class AgentsApp(App[None]):
    def __init__(self, data: DashboardData | None = None) -> None:
        super().__init__()
        self.data = data if data is not None else make_data()

    def on_mount(self) -> None:
        screen = AgentsScreen()
        self.push_screen(screen)
        screen.show(self.data)


if __name__ == "__main__":
    AgentsApp().run()
