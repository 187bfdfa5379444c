"""Today first, history behind (real loopback HTTP).

A first sync reads the exports from today's local midnight (today's figures complete after a
handful of requests), then backfills yesterday and the rest of ``sync.history_days`` with its
own saved cursor. Killed half way and restarted from the state dir, it resumes; at the end the
cache and the export equal those of a plain sync of the whole history in one go.
"""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from deskwatch.config import Config, build_config
from deskwatch.kpis import compute_snapshot
from deskwatch.live.sync import (
    history_done,
    streams_for,
    sync_all,
    sync_history,
    sync_stream,
)
from deskwatch.sim import SimClock, SimHandle, start_simulator
from deskwatch.sim.account import generate_account
from deskwatch.store import Cache
from deskwatch.store.persist import history_key
from deskwatch.zendesk import ZendeskClient

EXPORTS = ("tickets", "calls", "legs", "ratings")  # today first, history behind
PAGES = {"tickets": 40, "calls": 30, "legs": 30, "ratings": 2}  # several pages per range


class Plain:
    """The client without the today-first split: one export from the history's start."""

    def __init__(self, client: ZendeskClient) -> None:
        self.client = client

    def fetch(self, stream: str, cursor: str | None = None) -> AsyncIterator[Any]:
        return self.client.fetch(stream, cursor)


class Killed(Exception):
    pass


@pytest.fixture(scope="module")
def handle() -> Any:
    # noon in the account's zone, so "today" holds half a day of tickets and calls
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC).timestamp()
    account = generate_account(
        seed=5, now=now, history_days=20, tickets=800, calls=600, agents=6, tz="Europe/Berlin"
    )
    clock = SimClock()
    clock.freeze(now + 120)  # every record older than the minute the Talk exports leave out
    sim = start_simulator(
        account=account, clock=clock, live=False, speed=0, page_sizes=PAGES,
        incremental_limit=1_000_000, account_limit=1_000_000,
    )  # fmt: skip
    yield sim
    sim.stop()


def config(sim: SimHandle) -> Config:
    data = tomllib.loads(sim.config_toml())
    data["account"] = {"timezone": "Europe/Berlin"}
    data["sync"] = {"history_days": 30}
    return build_config(data, env={})


def client_for(sim: SimHandle, cfg: Config) -> ZendeskClient:
    return ZendeskClient(cfg, incremental_per_minute=1e6, wall=sim.now)


def snapshot(cache: Cache, cfg: Config, sim: SimHandle) -> dict[str, Any]:
    at = datetime.fromtimestamp(sim.now(), UTC)
    result = compute_snapshot(cache.frames, cfg, at).to_dict()
    assert isinstance(result, dict)
    return result


def rows(cache: Cache, stream: str) -> pl.DataFrame:
    return cache.frames.get(stream).select("id", "updated_at").sort("id")


@pytest.fixture(scope="module")
def plain(handle: SimHandle) -> tuple[Cache, dict[str, Any]]:
    """A plain sync of the whole history in one go: the reference."""
    cfg, cache = config(handle), Cache()

    async def run() -> None:
        async with client_for(handle, cfg) as client:
            await sync_all(Plain(client), cache, cfg)  # type: ignore[arg-type]

    asyncio.run(run())
    assert cache.cursor(history_key("tickets")) is None  # no backfill on this path
    return cache, snapshot(cache, cfg, handle)


def today_figures(doc: dict[str, Any]) -> dict[str, Any]:
    t, talk = doc["tickets"], doc["talk"]
    return {
        "created": t["created"]["today"],
        "solved": t["solved"]["today"],
        "first_reply": t["first_reply_minutes"]["today"],
        "csat": doc["csat"]["today"],
        "answered": talk["answered"]["today"],
        "unsuccessful": talk["unsuccessful"]["today"],
        "efficiency": talk["efficiency"]["today"],
    }


def test_first_sync_shows_today_before_the_backfill_then_equals_a_plain_sync(
    handle: SimHandle, plain: tuple[Cache, dict[str, Any]], tmp_path: Path
) -> None:
    cfg = config(handle)
    reference_cache, reference = plain
    assert reference["talk"]["answered"]["today"] > 0 and reference["tickets"]["created"]["today"]
    assert reference["csat"]["today"]["good"] + reference["csat"]["today"]["bad"] > PAGES["ratings"]
    cache = Cache()
    requests: dict[str, int] = {}

    async def live_only() -> None:
        async with client_for(handle, cfg) as client:
            for stream in streams_for(cfg):
                before = client.status.requests
                await sync_stream(client, cache, stream)
                requests[stream] = client.status.requests - before

    asyncio.run(live_only())
    # today's figures are complete from today's exports alone (a few requests each) ...
    early = snapshot(cache, cfg, handle)
    assert today_figures(early) == today_figures(reference)
    for stream in EXPORTS:
        today = cache.frames.get(stream).height
        assert requests[stream] <= -(-today // PAGES[stream]) + 2, (stream, requests)
        assert not history_done(cache.cursor(history_key(stream)))  # the backfill is to come
    # ... while the window is not: most of the history is still to be backfilled
    assert early["tickets"]["created"]["window"] < reference["tickets"]["created"]["window"]
    assert early["csat"]["good"] < reference["csat"]["good"]

    # the backfill: yesterday first, then killed half way through the rest
    ratings_today = len(cache.frames.get("ratings"))

    async def backfill_until_killed(stream: str) -> None:
        seen: list[str] = []

        def on_batch(job: str, batch: Any) -> None:
            seen.append(job)
            if len(seen) == 4:
                raise Killed

        async with client_for(handle, cfg) as client:
            with pytest.raises(Killed):
                await sync_history(client, cache, stream, on_batch=on_batch)

    asyncio.run(backfill_until_killed("tickets"))
    asyncio.run(backfill_until_killed("ratings"))
    middle = {s: cache.cursor(history_key(s)) for s in ("tickets", "ratings")}
    assert not any(history_done(c) for c in middle.values())
    assert len(cache.frames.get("ratings")) > ratings_today  # the history did start
    cache.persist(tmp_path)  # what a kill leaves: the last persisted state

    restarted = Cache.load(tmp_path)
    assert {s: restarted.cursor(history_key(s)) for s in middle} == middle

    async def finish() -> None:
        async with client_for(handle, cfg) as client:
            await sync_all(client, restarted, cfg)

    asyncio.run(finish())
    for stream in EXPORTS:
        assert history_done(restarted.cursor(history_key(stream)))
    for stream in (*EXPORTS, "ratings", "users"):
        got = rows(restarted, stream)
        assert got["id"].n_unique() == got.height  # the overlap is not counted twice
        assert got.equals(rows(reference_cache, stream)), stream
    assert snapshot(restarted, cfg, handle) == reference


def test_the_status_shows_live_and_the_backfill_apart() -> None:
    from deskwatch.live.pollstate import PollStatus, StreamState
    from deskwatch.widgets.status_bar import describe

    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    streams = (
        StreamState("tickets", 60, synced=True, first_sync=True, last_ok=now),
        StreamState("tickets.history", 60, first_sync=True, fraction=0.4, eta_seconds=120),
        StreamState("calls.history", 60, first_sync=True, fraction=0.6, eta_seconds=60),
    )
    status = PollStatus(streams=streams, last_sync=now)
    assert not status.first_sync and status.backfill == (0.5, 120)
    view = describe(status, now, UTC, compact=False)
    assert view.state == "● live"
    assert "history 50% ETA 2 min (partial)" in view.detail
    done = PollStatus(streams=(streams[0], StreamState("tickets.history", 60, synced=True)))
    assert done.backfill is None
    assert "history" not in describe(done, now, UTC, compact=False).detail


def test_ratings_backfill_on_a_server_filtering_on_created_at() -> None:
    """Zendesk does not say which time its ratings filters use: on a server filtering on
    ``created_at`` too, today first then the history (killed once in the middle) holds the
    ratings a plain read of the whole history holds, each once."""
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC).timestamp()
    account = generate_account(
        seed=7, now=now, history_days=20, tickets=500, calls=50, agents=6, tz="Europe/Berlin"
    )
    clock = SimClock()
    clock.freeze(now + 120)
    sim = start_simulator(
        account=account, clock=clock, live=False, speed=0, page_sizes={"ratings": 4},
        ratings_time_field="created", incremental_limit=1_000_000, account_limit=1_000_000,
    )  # fmt: skip
    try:
        cfg = config(sim)
        plain_cache, split = Cache(), Cache()

        async def run() -> None:
            async with client_for(sim, cfg) as client:
                await sync_stream(Plain(client), plain_cache, "ratings")  # type: ignore[arg-type]
                await sync_stream(client, split, "ratings")
                assert len(split.frames.get("ratings")) < len(plain_cache.frames.get("ratings"))
                seen: list[str] = []

                def kill(job: str, batch: Any) -> None:
                    seen.append(job)
                    if len(seen) == 3:
                        raise Killed

                with pytest.raises(Killed):
                    await sync_history(client, split, "ratings", on_batch=kill)
                await sync_history(client, split, "ratings")

        asyncio.run(run())
    finally:
        sim.stop()
    assert history_done(split.cursor(history_key("ratings")))
    got = rows(split, "ratings")
    assert got["id"].n_unique() == got.height
    assert got.equals(rows(plain_cache, "ratings"))
    assert got.height == len(account.ratings)
