"""The Zendesk client over real loopback HTTP against the simulator (deskwatch.sim).

The client's sleep advances the simulator clock instead of waiting, so Retry-After and backoff
are asserted on the recorded sleeps without real waiting.
"""

from __future__ import annotations

import json
import random
import tomllib
from typing import Any

import pytest

from deskwatch.config import Config, build_config
from deskwatch.sim import SimHandle
from deskwatch.zendesk import (
    AuthError,
    BadRequestError,
    NotFoundError,
    TalkUnavailableError,
    UnavailableError,
    ZendeskClient,
)
from deskwatch.zendesk.check import run_checks

TICKETS, CALLS = 1200, 200


class SimTime:
    """Client clock/sleep tied to the simulator clock: sleeping advances both."""

    def __init__(self, sim: SimHandle) -> None:
        self.sim = sim
        self.offset = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.offset

    def wall(self) -> float:
        return self.sim.now()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += seconds
        self.sim.advance_clock(seconds)


SIM = dict(tickets=TICKETS, calls=CALLS, speed=0, incremental_limit=100_000, token_ttl=1800)
SIM_PER_TEST = True  # tests change its faults or clock


def config(sim: SimHandle, method: str = "oauth", **sections: Any) -> Config:
    data = tomllib.loads(sim.config_toml(method))
    data.update(sections)
    return build_config(data, env={})


def client(sim: SimHandle, cfg: Config, time: SimTime, **kw: Any) -> ZendeskClient:
    return ZendeskClient(
        cfg,
        clock=time.clock,
        sleep=time.sleep,
        wall=time.wall,
        rng=random.Random(3),
        incremental_per_minute=100_000,
        **kw,
    )


async def drain(c: ZendeskClient, stream: str, cursor: str | None = None) -> list[Any]:
    return [b async for b in c.fetch(stream, cursor)]


def ids(batches: list[Any], key: str = "id") -> list[int]:
    return [r[key] for b in batches for r in b.records]


async def test_full_sync_of_every_stream(sim: SimHandle) -> None:
    time = SimTime(sim)
    async with client(sim, config(sim), time, page_size=500) as c:
        got = {s: await drain(c, s) for s in ("tickets", "users", "groups", "ratings")}
        talk = {s: await drain(c, s) for s in ("calls", "legs", "queue", "agents_activity")}
        status = c.status
    tickets = ids(got["tickets"])
    assert len(set(tickets)) == TICKETS
    assert len(got["tickets"]) == 3 and got["tickets"][-1].done  # 500 + 500 + 200
    assert all("metric_set" in t for b in got["tickets"] for t in b.records)
    assert {u["role"] for b in got["users"] for u in b.records} <= {"agent", "admin"}
    assert len(ids(got["users"])) >= 40  # the simulator's 40 agents (and admins)
    assert ids(got["groups"]) and got["groups"][-1].cursor is None
    assert len(set(ids(talk["calls"]))) == len(ids(talk["calls"])) > 0
    assert len(talk["queue"][0].records) == 1
    assert len(ids(talk["agents_activity"], "agent_id")) == 40
    assert all(b.done for b in (got["ratings"][-1], talk["calls"][-1], talk["legs"][-1]))
    assert status.errors == 0 and status.skipped == 0 and status.state == "ok"
    assert c.http.track.retries == 0  # the only waits were the governor's pacing


async def test_resume_from_a_persisted_cursor(sim: SimHandle) -> None:
    time = SimTime(sim)
    async with client(sim, config(sim), time, page_size=500) as c:
        first = await anext(c.fetch("tickets", None))
    assert not first.done and json.loads(first.cursor)["after"]
    async with client(sim, config(sim), time, page_size=500) as c:  # a new process
        rest = await drain(c, "tickets", first.cursor)
        requests = c.status.requests
    assert requests == 2  # 500 + 200: nothing re-read
    assert sorted(ids([first]) + ids(rest)) == sorted(set(ids([first]) + ids(rest)))
    assert len(ids([first]) + ids(rest)) == TICKETS


async def test_429_with_retry_after_waits_at_least_that_long(sim: SimHandle) -> None:
    sim.set_faults(storm_until=sim.now() + 20, storm_retry_after=7)
    time = SimTime(sim)
    async with client(sim, config(sim), time) as c:
        batches = await drain(c, "groups")
        limited = c.http.track.rate_limited
    assert ids(batches)
    assert limited >= 1
    assert time.sleeps and min(time.sleeps) >= 7  # every wait honoured Retry-After
    assert time.offset >= 20  # and nothing got through before the storm ended


async def test_5xx_and_connection_resets_are_retried(sim: SimHandle) -> None:
    sim.set_faults(error_rate=0.2, reset_rate=0.1, malformed_rate=0.05)
    time = SimTime(sim)
    async with client(sim, config(sim), time, page_size=200) as c:
        batches = await drain(c, "tickets")
        retries = c.http.track.retries
    assert len(set(ids(batches))) == TICKETS
    backoffs = [s for s in time.sleeps if s >= 0.5]  # the rest is the governor's pacing
    assert retries > 0 and len(backoffs) == retries


async def test_timeouts_are_retried(sim: SimHandle) -> None:
    sim.set_faults(timeout_rate=1.0, hang_seconds=3)  # every request hangs...
    time = SimTime(sim)
    plain_sleep = time.sleep

    async def sleep(seconds: float) -> None:
        await plain_sleep(seconds)
        if len(time.sleeps) == 2:
            sim.set_faults(timeout_rate=0.0)  # ...until the second retry

    time.sleep = sleep  # type: ignore[method-assign]
    async with client(sim, config(sim), time, read_timeout=0.3) as c:
        batches = await drain(c, "groups")
        retries = c.http.track.retries
    assert ids(batches)
    assert retries == 2


async def test_persistent_5xx_ends_in_a_typed_error(sim: SimHandle) -> None:
    sim.set_faults(error_rate=1.0)
    time = SimTime(sim)
    async with client(sim, config(sim), time) as c:
        with pytest.raises(UnavailableError, match=r"after 6 attempts \(last: HTTP 5\d\d\)"):
            await drain(c, "groups")
    assert len(time.sleeps) == 5


async def test_client_credentials_and_refresh_after_revocation(sim: SimHandle) -> None:
    time = SimTime(sim)
    cfg = config(sim, "oauth_client_credentials")
    async with client(sim, cfg, time, page_size=500) as c:
        first = await anext(c.fetch("tickets", None))
        sim.revoke_tokens()  # the issued token dies: 401 invalid_token -> one refresh
        rest = await drain(c, "tickets", first.cursor)
        sim.advance_clock(1800)  # and it expires: refreshed before use
        time.offset += 1800
        await drain(c, "groups")
        refreshes = c._auth.refreshes
    assert len(ids([first]) + ids(rest)) == TICKETS
    assert refreshes == 3


async def test_wrong_token_is_an_auth_error_with_a_clear_message(sim: SimHandle) -> None:
    data = tomllib.loads(sim.config_toml("oauth"))
    data["zendesk"]["auth"]["access_token"] = "not-the-token"
    async with client(sim, build_config(data, env={}), SimTime(sim)) as c:
        with pytest.raises(AuthError) as info:
            await drain(c, "groups")
    assert "the OAuth access token was rejected" in str(info.value)
    assert "not-the-token" not in str(info.value)


async def test_talk_disabled_on_the_account(sim: SimHandle) -> None:
    sim.set_faults(talk_enabled=False)
    async with client(sim, config(sim), SimTime(sim)) as c:
        with pytest.raises(TalkUnavailableError, match=r"set talk\.enabled = false"):
            await drain(c, "queue")
        with pytest.raises(TalkUnavailableError):
            await drain(c, "calls")
        results = {r.name: r for r in await run_checks(c)}
    assert not results["Talk"].ok


async def test_talk_off_in_config_sends_no_talk_requests(sim: SimHandle) -> None:
    async with client(sim, config(sim, talk={"enabled": False}), SimTime(sim)) as c:
        for stream in ("calls", "legs", "queue", "agents_activity"):
            assert [b.records for b in await drain(c, stream)] == [[]]
        assert c.status.requests == 0


async def test_unknown_path_and_stale_cursor_messages(sim: SimHandle) -> None:
    async with client(sim, config(sim), SimTime(sim)) as c:
        with pytest.raises(NotFoundError, match=r"check zendesk\.subdomain or zendesk\.url"):
            await c.get_json("/api/v2/no_such_thing.json")
        bad = json.dumps({"after": "%%%not-a-cursor", "start": 0, "t": 0})
        with pytest.raises(BadRequestError, match="a stored cursor may be stale"):
            await drain(c, "tickets", bad)
        assert c.status.requests == 2  # neither was retried


async def test_check_passes_on_the_simulator_and_spots_the_anonymous_user(sim: SimHandle) -> None:
    async with client(sim, config(sim), SimTime(sim)) as c:
        results = await run_checks(c)
    assert [r.name for r in results] == [
        "reachable",
        "credentials",
        "role",
        "read scope",
        "Talk",
        "rate-limit headroom",
        "clock skew",
    ]
    assert all(r.ok for r in results), [r.line() for r in results]
    data = tomllib.loads(sim.config_toml("api_token"))
    data["zendesk"]["auth"]["api_token"] = "wrong-token"
    async with client(sim, build_config(data, env={}), SimTime(sim)) as c:
        bad = await run_checks(c)
    assert not bad[-1].ok and "anonymous" in bad[-1].detail


async def test_refresh_token_grant_rotates_and_keeps_the_new_token(sim: SimHandle) -> None:
    data = tomllib.loads(sim.config_toml("oauth"))
    data["zendesk"]["auth"].update(
        refresh_token=sim.refresh_token, client_id=sim.client_id, client_secret=sim.client_secret
    )
    time = SimTime(sim)
    async with client(sim, build_config(data, env={}), time) as c:
        sim.set_faults(revoke_at=sim.now())  # the configured access token dies now
        for _ in range(3):  # then each expiry forces a refresh with the latest refresh token
            await time.sleep(1801)
            assert ids(await drain(c, "groups"))
        refreshes = c._auth.refreshes
        status = c.status
    # first a 401 on the expired configured token, then refreshes ahead of the known expiry;
    # an old (rotated-away) refresh token would have been refused (400 invalid_grant)
    assert refreshes == 3
    assert status.errors == 0


async def test_secrets_never_reach_the_logs(
    sim: SimHandle, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    cfg = config(sim, "oauth_client_credentials")
    async with client(sim, cfg, SimTime(sim)) as c:
        await drain(c, "groups")
        await drain(c, "queue")
        token = c._auth.header()
    assert caplog.records  # httpx/httpcore did log at DEBUG
    text = caplog.text
    for secret in (sim.client_secret, token.split()[-1]):
        assert secret not in text
