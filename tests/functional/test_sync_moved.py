"""A record updated while a first sync's backfill runs is in the result (real loopback HTTP).

An export lists a record once, at its newest version. A first sync reads the live export from
today's midnight (done in a few requests) and backfills the history behind it. A ticket of the
unread history updated meanwhile leaves its old place before the backfill gets there, and its
new place comes after the live export has finished: found by the issue-16 soak (a cold sync of
a busy simulated account missed ~100 old tickets whose CSAT was answered while it ran), so
``export`` returned without them although it promises that everything is here.
"""

from __future__ import annotations

import asyncio
import tomllib
from datetime import UTC, datetime
from typing import Any

from deskwatch.config import build_config
from deskwatch.live.sync import sync_all
from deskwatch.sim import SimClock, start_simulator
from deskwatch.sim.account import generate_account
from deskwatch.store import Cache
from deskwatch.zendesk import ZendeskClient


def test_a_ticket_updated_during_the_backfill_is_not_lost() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC).timestamp()
    account = generate_account(seed=9, now=now, history_days=20, tickets=600, calls=10, agents=6)
    clock = SimClock()
    clock.freeze(now + 120)
    sim = start_simulator(
        account=account, clock=clock, live=False, speed=0, page_sizes={"tickets": 40},
        incremental_limit=1_000_000, account_limit=1_000_000,
    )  # fmt: skip
    try:
        data = tomllib.loads(sim.config_toml())
        data["sync"], data["talk"] = {"history_days": 30}, {"enabled": False}
        cfg = build_config(data, env={})
        # the oldest ticket: the last one the backfill reaches
        rows = account.latest[account.latest >= 0]
        oldest = int(account.tickets["ticket_id"][rows[account.tickets["gen_ts"][rows].argmin()]])
        seen: list[str] = []
        moved: list[int] = []

        def touch() -> None:  # e.g. its CSAT answered: a new version of the ticket, now
            version = account.tickets.row(int(account.latest[oldest]))
            account.append_ticket_version(version, int(clock.now()))

        def on_batch(job: str, batch: Any) -> None:
            seen.append(job)
            if job == "tickets.history" and "tickets" in seen and not moved:
                assert not batch.done  # the backfill has more to read: the old place is ahead
                sim.call(touch)
                moved.append(oldest)

        cache = Cache()

        async def run() -> None:
            async with ZendeskClient(cfg, incremental_per_minute=1e6, wall=sim.now) as client:
                await sync_all(client, cache, cfg, on_progress=on_batch)

        asyncio.run(run())
        assert moved == [oldest]
        ids = set(cache.frames.tickets["id"].to_list())
        assert len(ids) == len(rows)  # every ticket of the account, the moved one included
        assert oldest in ids
    finally:
        sim.stop()
