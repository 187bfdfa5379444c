"""Alert rules: config errors, pure evaluation (for_minutes, hysteresis, re-notify, stale), and
the webhook sender against a real receiver (aiohttp on loopback)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from deskwatch.config import ConfigError
from deskwatch.kpis.alerts import check_rules, evaluate, initial, probe_event
from deskwatch.live.webhook import WebhookSender
from tests.functional.snapshot_apps.ops_fixture import TYPICAL, make_snapshot
from tests.unit.kpi_records import cfg

T0 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
TOKEN = "s3cr3t-oauth-token-xyz"
HOOK_SECRET = "T000/B000/hooksecret"


def config(*rules: dict[str, Any], **alerts: Any) -> Any:
    return cfg(
        zendesk={"url": "https://acme.zendesk.com", "auth": {"access_token": TOKEN}},
        alerts={**alerts, "rules": list(rules)},
    )


def snap(unassigned: int, created: int = 128) -> Any:
    tickets_created = {"today": created, "yesterday_same_time": 114, "window": 4211}
    return make_snapshot(unassigned=unassigned, created=tickets_created)


# -- config -------------------------------------------------------------------------------------
def test_an_unknown_figure_is_one_line_with_a_did_you_mean() -> None:
    with pytest.raises(ConfigError) as err:
        check_rules(config({"kpi": "tickets.unasigned", "above": 20}))
    assert str(err.value) == (
        'config: alerts.rules[0].kpi: found "tickets.unasigned", expected a figure id; '
        'did you mean "tickets.unassigned"?'
    )
    with pytest.raises(ConfigError, match="not a single count"):
        check_rules(config({"kpi": "tickets.first_reply_minutes", "above": 60}))
    with pytest.raises(ConfigError, match="has no typical day"):
        check_rules(config({"kpi": "tickets.unassigned", "outside_typical": True}))


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"kpi": "tickets.unassigned"}, "no condition"),
        ({"above": 3}, "no kpi"),
        ({"kpi": "tickets.unassigned", "abvoe": 3}, "did you mean alerts.rules[0].above?"),
        ({"kpi": "tickets.unassigned", "above": "20"}, 'found "20", expected a number'),
        ({"kpi": "tickets.unassigned", "above": 2, "for_minutes": -1}, "for_minutes"),
        ({"kpi": "tickets.unassigned", "above": 2, "format": "teams"}, '"json", "slack"'),
        (
            {"kpi": "tickets.unassigned", "above": 2, "webhook_url": "http://hooks.example/x"},
            "a secret (hidden), expected an https:// URL",
        ),
    ],
)
def test_a_bad_rule_is_one_line(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        config(rule)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert "hooks.example" not in str(err.value)


# -- evaluation ---------------------------------------------------------------------------------
def run(c: Any, steps: list[tuple[int, Any, frozenset[str]]]) -> list[tuple[int, str, Any]]:
    """Evaluate at T0 + minutes for each step; the events as (minute, kind, value)."""
    states = initial(c)
    seen = []
    for minute, s, stale in steps:
        states, events = evaluate(states, s, stale, T0 + timedelta(minutes=minute), c)
        seen += [(minute, e.kind, e.value) for e in events]
    return seen


def test_fires_after_for_minutes_and_resolves_past_the_hysteresis() -> None:
    c = config({"kpi": "tickets.unassigned", "above": 20, "for_minutes": 5})
    none: frozenset[str] = frozenset()
    steps = [
        (0, snap(25), none),  # over: the clock starts
        (3, snap(26), none),  # 3 minutes: not yet
        (5, snap(24), none),  # 5 minutes over: fires
        (6, snap(19), none),  # under 20 but not under 18 (10%): still firing
        (7, snap(21), none),  # over again: no new notification
        (8, snap(18), none),  # 18 is not above 20 - 2: resolves
    ]
    assert run(c, steps) == [(5, "firing", 24.0), (8, "resolved", 18.0)]


def test_a_dip_resets_the_for_minutes_clock() -> None:
    c = config({"kpi": "tickets.unassigned", "above": 20, "for_minutes": 5})
    none: frozenset[str] = frozenset()
    steps = [(0, snap(25), none), (3, snap(10), none), (6, snap(25), none), (10, snap(25), none)]
    assert run(c, steps) == []  # over from minute 6 only: 4 minutes


def test_no_storm_a_flapping_value_renotifies_at_most_every_renotify_minutes() -> None:
    c = config({"kpi": "tickets.unassigned", "above": 20}, renotify_minutes=30, hysteresis=0)
    none: frozenset[str] = frozenset()
    steps = [(m, snap(25 if m % 2 == 0 else 5), none) for m in range(0, 40)]
    events = run(c, steps)
    firings = [m for m, kind, _ in events if kind == "firing"]
    assert firings == [0, 30]
    # each notified firing gets its resolution, the silent ones none
    assert [m for m, kind, _ in events if kind == "resolved"] == [1, 31]


def test_a_stale_stream_neither_fires_nor_resolves() -> None:
    c = config({"kpi": "tickets.unassigned", "above": 20, "for_minutes": 2})
    stale = frozenset({"tickets"})
    none: frozenset[str] = frozenset()
    states = initial(c)
    states, events = evaluate(states, snap(25), stale, T0, c)
    assert events == [] and states[0].unknown and not states[0].firing
    states, events = evaluate(states, snap(25), none, T0 + timedelta(minutes=1), c)
    states, events = evaluate(states, snap(25), stale, T0 + timedelta(minutes=5), c)
    assert events == [] and not states[0].firing  # stale: the 2 minutes are forgotten
    states, events = evaluate(states, snap(25), none, T0 + timedelta(minutes=6), c)
    states, events = evaluate(states, snap(25), none, T0 + timedelta(minutes=8), c)
    assert [e.kind for e in events] == ["firing"]
    states, events = evaluate(states, snap(0), stale, T0 + timedelta(minutes=9), c)
    assert events == [] and states[0].firing and states[0].unknown  # not resolved while stale
    states, events = evaluate(states, None, none, T0 + timedelta(minutes=10), c)
    assert events == [] and states[0].unknown  # no snapshot: unknown too
    states, events = evaluate(states, snap(0), none, T0 + timedelta(minutes=11), c)
    assert [e.kind for e in events] == ["resolved"]


def test_outside_typical_uses_the_band_so_far() -> None:
    # typical created so far: p25 101, p75 118.5 (the fixture); hysteresis 10% of 17.5
    c = config({"kpi": "tickets.created.today", "outside_typical": True})
    none: frozenset[str] = frozenset()
    steps = [
        (0, snap(0, created=110), none),  # inside
        (1, snap(0, created=119), none),  # above p75: fires
        (2, snap(0, created=117), none),  # inside but within the margin (118.5 - 1.75)
        (3, snap(0, created=116), none),  # back inside past the margin: resolves
        (4, snap(0, created=100), none),  # below p25: fires (a new firing, re-notify limit)
    ]
    assert TYPICAL["created"]["so_far"]["p75"] == 118.5
    assert run(c, steps) == [(1, "firing", 119.0), (3, "resolved", 116.0)]


# -- the webhook against a receiver -------------------------------------------------------------
class Receiver:
    """An aiohttp app on loopback that records POSTs and fails the first ``fail`` of them."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.read())
        self.headers.append(dict(request.headers))
        if self.fail:
            self.fail -= 1
            return web.Response(status=500)
        return web.Response(status=200)

    async def __aenter__(self) -> str:
        app = web.Application()
        app.router.add_post("/hook/{rest:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/hook/{HOOK_SECRET}"

    async def __aexit__(self, *exc: object) -> None:
        await self.runner.cleanup()


async def no_sleep(_: float) -> None:
    await asyncio.sleep(0)


async def deliver(c: Any, steps: list[tuple[int, int]], receiver: Receiver) -> WebhookSender:
    sender = WebhookSender(c, sleep=no_sleep)
    task = asyncio.create_task(sender.run())
    states = initial(c)
    for minute, unassigned in steps:
        t = T0 + timedelta(minutes=minute)
        states, events = evaluate(states, snap(unassigned), frozenset(), t, c)
        for e in events:
            sender.send(e, c.alerts.rules[0])
    await asyncio.wait_for(sender.drain(), 10)
    task.cancel()
    return sender


async def test_webhook_firing_resolving_retry_and_no_secret() -> None:
    receiver = Receiver(fail=1)  # the first POST gets a 500: retried
    async with receiver as url:
        c = config({"kpi": "tickets.unassigned", "above": 20, "name": "pile-up"}, webhook_url=url)
        sender = await deliver(c, [(0, 25), (1, 19), (2, 17)], receiver)
    assert sender.sent == 2 and sender.failed == 0
    assert len(receiver.bodies) == 3  # 500, the retry, the resolution
    first, retry, resolved = (json.loads(b) for b in receiver.bodies)
    assert first == retry
    assert first == {
        "event": "firing",
        "rule": "pile-up",
        "kpi": "tickets.unassigned",
        "value": 25.0,
        "threshold": "> 20",
        "since": T0.isoformat(),
        "account": "acme.zendesk.com",
        "text": "deskwatch acme.zendesk.com: firing: Unassigned 25 > 20",
    }
    assert resolved["event"] == "resolved" and resolved["value"] == 17.0  # 19: hysteresis
    for body, headers in zip(receiver.bodies, receiver.headers, strict=True):
        assert TOKEN.encode() not in body and HOOK_SECRET.encode() not in body
        assert "Authorization" not in headers and TOKEN not in json.dumps(headers)


async def test_webhook_slack_format_per_rule_and_gives_up_after_the_retries() -> None:
    receiver = Receiver(fail=99)
    async with receiver as url:
        rule = {"kpi": "tickets.unassigned", "above": 20, "webhook_url": url, "format": "slack"}
        sender = await deliver(config(rule), [(0, 25)], receiver)
    assert sender.failed == 1 and sender.last_error == "webhook: HTTP 500"
    assert len(receiver.bodies) == 5  # 1 + 4 retries
    assert json.loads(receiver.bodies[0]) == {
        "text": "deskwatch acme.zendesk.com: firing: Unassigned 25 > 20"
    }


async def test_the_probe_event_and_an_unreachable_receiver_never_raise() -> None:
    receiver = Receiver()
    async with receiver as url:
        c = config(webhook_url=url)
        sender = WebhookSender(c, sleep=no_sleep)
        task = asyncio.create_task(sender.run())
        assert sender.send(probe_event(c, T0))
        await asyncio.wait_for(sender.drain(), 10)
        task.cancel()
    assert json.loads(receiver.bodies[0])["event"] == "test" and sender.sent == 1
    # the receiver is gone now: connection refused, retried, dropped, counted
    sender = WebhookSender(c, sleep=no_sleep)
    task = asyncio.create_task(sender.run())
    sender.send(probe_event(c, T0))
    await asyncio.wait_for(sender.drain(), 10)
    task.cancel()
    assert sender.failed == 1 and "ConnectError" in sender.last_error
    assert not WebhookSender(config()).send(probe_event(c, T0))  # no webhook: nothing queued


def test_outside_typical_is_unknown_while_the_history_backfills() -> None:
    c = config({"kpi": "tickets.created.today", "outside_typical": True})
    states, events = evaluate(initial(c), snap(0, created=200), frozenset(), T0, c, partial=True)
    assert events == [] and states[0].unknown
    states, events = evaluate(states, snap(0, created=200), frozenset(), T0, c)
    assert [e.kind for e in events] == ["firing"]
