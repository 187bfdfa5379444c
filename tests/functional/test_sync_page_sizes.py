"""No record lost or counted twice whatever the server's page sizes (real loopback HTTP).

One simulated account (35 days, a few hundred tickets and calls) is served with different page
sizes per stream and synced by the real client into a fresh cache: every sync must hold the
same records, give the same KPI snapshot as the run paged at the endpoints' maxima, and end
within the stated bound of requests. A last case syncs while the simulator receives new calls
and tickets, then catches up: the cache equals the simulator's records, each once.
"""

from __future__ import annotations

import asyncio
import math
import threading
import tomllib
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import polars as pl
import pytest

from deskwatch.config import Config, build_config
from deskwatch.kpis import compute_snapshot
from deskwatch.live.sync import sync_all
from deskwatch.sim import SimClock, SimHandle, start_simulator
from deskwatch.sim.account import Account, generate_account
from deskwatch.store import Cache
from deskwatch.zendesk import ZendeskClient

HISTORY_DAYS = 35
FAST = {"incremental_limit": 1_000_000, "account_limit": 1_000_000}
LARGE = {"tickets": 1000, "users": 100, "groups": 100, "ratings": 100, "agents_activity": 100}
SMALL = {"tickets": 7, "users": 1, "groups": 1, "ratings": 3, "agents_activity": 1}
CASES = {  # name: page sizes (absent: the endpoint's maximum)
    "talk-1": {"calls": 1, "legs": 1, **LARGE},
    "talk-7": {"calls": 7, "legs": 7, **SMALL},
    "talk-100": {"calls": 100, "legs": 100, "tickets": 100, "ratings": 10, "users": 2},
    "talk-1000": {"calls": 1000, "legs": 1000, **SMALL},
}
PATHS = {  # request path fragment -> stream
    "/incremental/tickets/": "tickets",
    "/incremental/calls": "calls",
    "/incremental/legs": "legs",
    "/satisfaction_ratings": "ratings",
    "/api/v2/users": "users",
    "/api/v2/groups": "groups",
    "/agents_activity": "agents_activity",
    "/current_queue_activity": "queue",
}


class CountingTransport(httpx.AsyncHTTPTransport):
    """The real loopback transport, counting requests per stream."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        stream = next((s for frag, s in PATHS.items() if frag in request.url.path), "other")
        self.counts[stream] += 1
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def account() -> Account:
    return generate_account(
        seed=23, now=datetime.now(UTC).timestamp(), history_days=HISTORY_DAYS, tickets=240,
        calls=280, agents=6,
    )  # fmt: skip


def serve(account: Account, pages: dict[str, int], **options: Any) -> SimHandle:
    """The account with every record older than the minute the Talk exports leave out."""
    clock = SimClock()
    clock.freeze(account.generated_at + 120.0)
    options = {"live": False, "speed": 0.0, **FAST, **options}
    return start_simulator(account=account, clock=clock, page_sizes=pages, **options)


def config(handle: SimHandle) -> Config:
    return build_config(tomllib.loads(handle.config_toml()), env={})


async def sync(handle: SimHandle, cache: Cache, cfg: Config) -> Counter[str]:
    transport = CountingTransport()
    async with ZendeskClient(cfg, transport=transport, incremental_per_minute=1e6) as client:
        await sync_all(client, cache, cfg)
    return transport.counts


def records(cache: Cache, stream: str) -> pl.DataFrame:
    return cache.frames.get(stream).select("id", "updated_at").sort("id")


def snapshot(cache: Cache, cfg: Config, at: float) -> dict[str, Any]:
    snap = compute_snapshot(cache.frames, cfg, datetime.fromtimestamp(at, UTC)).to_dict()
    assert isinstance(snap, dict)
    return snap


def truth(account: Account) -> dict[str, int]:
    """Records the simulator holds (all visible: the clock is 2 minutes past the last one)."""
    return {
        "tickets": account.n_tickets,
        "calls": len(set(account.calls["call_id"].tolist())),
        "legs": len(set(account.legs["leg_id"].tolist())),
        "ratings": len(account.ratings),
    }


def bound(stream: str, served: int, page: int) -> int:
    """The most requests a first sync may take: one per page plus the last, for each of the
    fetches (the exports' live part and their two history ranges each end on a page that
    may reach into the next range; ratings' history is read in chunks)."""
    if stream == "ratings":  # live, then the history in chunks: each costs at most one
        # request more than its pages; at most log2(days) + 2 chunks take two pages or fewer
        # (the span doubles after each), every other chunk holds more than two pages
        small = math.ceil(math.log2(HISTORY_DAYS)) + 2
        return math.ceil(served / page) + 1 + small + math.ceil(served / (2 * page + 1))
    fetches = 3 if stream in ("tickets", "calls", "legs") else 1
    return math.ceil(served / page) + 2 * fetches


@pytest.fixture(scope="module")
def reference(account: Account) -> tuple[dict[str, Any], dict[str, pl.DataFrame]]:
    """The run paged at every endpoint's maximum."""
    with serve(account, {}) as handle:
        cache, cfg = Cache(), config(handle)
        asyncio.run(sync(handle, cache, cfg))
        at = handle.now()
    frames = {s: records(cache, s) for s in ("tickets", "calls", "legs", "ratings", "users")}
    return snapshot(cache, cfg, at), frames


@pytest.mark.parametrize("case", list(CASES))
def test_every_page_size_gives_the_same_records_and_export(
    case: str, account: Account, reference: tuple[dict[str, Any], dict[str, pl.DataFrame]]
) -> None:
    pages = CASES[case]
    with serve(account, pages) as handle:
        cache, cfg = Cache(), config(handle)
        counts = asyncio.run(sync(handle, cache, cfg))
        at = handle.now()
    expected_snapshot, expected_frames = reference
    for stream, frame in expected_frames.items():
        got = records(cache, stream)
        assert got["id"].n_unique() == got.height  # nothing counted twice
        assert got.equals(frame), f"{stream} differs with pages {pages}"
    for stream, n in truth(account).items():
        assert cache.frames.get(stream).height == n, stream  # nothing missing
    assert snapshot(cache, cfg, at) == expected_snapshot
    served = {
        "tickets": account.n_tickets,
        "calls": truth(account)["calls"],
        "legs": truth(account)["legs"],
        "ratings": truth(account)["ratings"],
        "users": cache.frames.get("users").height,
        "groups": cache.frames.get("groups").height,
    }
    for stream, n in served.items():
        page = pages.get(stream, 100 if stream in ("users", "groups", "ratings") else 1000)
        assert counts[stream] <= bound(stream, n, page), (stream, counts[stream], n, page)
    assert expected_snapshot["talk"]["answered"]["window"] > 0


def test_a_sync_while_calls_arrive_then_catching_up_misses_nothing(account: Account) -> None:
    import copy

    live = copy.deepcopy(account)
    with serve(live, {"calls": 7, "legs": 5, "tickets": 50}, speed=720.0) as handle:
        handle.unfreeze_clock()
        cache, cfg = Cache(), config(handle)
        stop = threading.Event()
        steps: list[int] = []

        def activity() -> None:  # half a day of activity (speed 720) every 20 ms
            while not stop.wait(0.02):
                steps.append(handle.step(2.0))

        feeder = threading.Thread(target=activity, daemon=True)
        feeder.start()
        try:
            asyncio.run(sync(handle, cache, cfg))
        finally:
            stop.set()
            feeder.join(timeout=10)
        assert sum(steps) > 0 and len(live.calls) > len(account.calls)  # calls did arrive
        handle.freeze_clock(handle.now() + 120)  # the last minute becomes visible
        asyncio.run(sync(handle, cache, cfg))  # the next poll
        expected = truth(live)
        calls = records(cache, "calls")
        assert calls["id"].n_unique() == calls.height == expected["calls"]
        assert cache.frames.get("legs").height == expected["legs"]
        assert cache.frames.get("tickets").height == expected["tickets"]
        fresh = Cache()
        asyncio.run(sync(handle, fresh, cfg))
        for stream in ("tickets", "calls", "legs", "ratings"):
            assert records(cache, stream).equals(records(fresh, stream)), stream
        at = handle.now()
        assert snapshot(cache, cfg, at) == snapshot(fresh, cfg, at)


def test_talk_paged_by_100_gives_the_talk_figures_of_pages_of_1000(account: Account) -> None:
    """Issue 11's symptom: a server paging Talk by 100 made every Talk figure of the 30-day
    window 0 or empty (a page shorter than 1000 was taken as "caught up")."""
    docs = []
    for size in (100, 1000):
        with serve(account, {"calls": size, "legs": size}) as handle:
            cache, cfg = Cache(), config(handle)
            asyncio.run(sync(handle, cache, cfg))
            docs.append(snapshot(cache, cfg, handle.now()))
    paged, full = docs
    assert full["window"]["days"] == 30
    assert full["talk"]["answered"]["window"] > 100  # more than one page of calls matter
    assert paged["talk"] == full["talk"]
    accepted = {a["agent_id"]: a["calls_accepted"] for a in full["agents"]}
    assert sum(accepted.values()) > 0
    assert {a["agent_id"]: a["calls_accepted"] for a in paged["agents"]} == accepted
