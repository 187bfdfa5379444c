"""Poison records: a value of the right JSON type but the wrong range or encoding never reaches
a frame. A bad record is skipped (or its bad duration/count nulled), counted by stream and
reason, and the stream's cursor moves past it, so it can never block a stream or a snapshot.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from deskwatch.kpis import compute_snapshot
from deskwatch.live.sync import sync_stream
from deskwatch.store import Cache
from deskwatch.zendesk.parse import check_record
from tests.unit.test_zendesk_fake import (
    EPOCH,
    FakeClock,
    FakeZendesk,
    iso,
    make_client,
    make_config,
)
from tests.unit.test_zendesk_fake import ticket as make_ticket

NOW = EPOCH
T0 = int(EPOCH) - 86400


def good_ticket(i: int = 1) -> dict[str, Any]:
    return make_ticket(i, T0 + i)


def put(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    keys = path.split(".")
    target = record
    for k in keys[:-1]:
        target = target.setdefault(k, {})
    target[keys[-1]] = value
    return record


SKIP = [
    ("id", 2**70, "id out of range"),
    ("id", -5, "id out of range"),
    ("id", 0, "id out of range"),
    ("assignee_id", 2**64, "id out of range"),
    ("group_id", -1, "id out of range"),
    ("created_at", "0000-01-01T00:00:00Z", "not an ISO date-time"),
    ("created_at", "1969-12-31T23:59:59Z", "time out of range"),
    ("created_at", "9999-12-31T23:59:59Z", "time out of range"),
    ("created_at", iso(NOW + 10 * 365 * 86400), "time out of range"),
    ("created_at", "2024-01-01", "not an ISO date-time"),
    ("updated_at", "yesterday", "not an ISO date-time"),
    ("metric_set.solved_at", "2006-12-31T23:59:59Z", "time out of range"),
    ("tags", ["ok", "\ud800"], "invalid text"),
    ("tags", ["ok", 3], "invalid text"),
    ("via.channel", "\ud800", "invalid text"),
    ("status", "\udfff", "invalid text"),
    ("generated_timestamp", 2**70, "time out of range"),
]


@pytest.mark.parametrize(("path", "value", "reason"), SKIP)
def test_a_bad_key_time_text_or_id_skips_the_ticket(path: str, value: Any, reason: str) -> None:
    skip, _ = check_record("tickets", put(good_ticket(), path, value), NOW)
    assert skip is not None and reason in skip and path.split(".")[-1] in skip


NULL = [float("nan"), float("inf"), float("-inf"), 1e13, -1e9, -0.5, "5", True]


@pytest.mark.parametrize("value", NULL)
def test_a_bad_duration_is_nulled_and_the_ticket_kept(value: Any) -> None:
    record = put(good_ticket(), "metric_set.reply_time_in_minutes.calendar", value)
    skip, nulled = check_record("tickets", record, NOW)
    assert skip is None and nulled == [
        "metric_set.reply_time_in_minutes: " + nulled[0].split(": ")[1]
    ]
    assert record["metric_set"]["reply_time_in_minutes"] == {"calendar": None, "business": 3}


@pytest.mark.parametrize("stream", ["calls", "legs"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1, 1e13])
def test_bad_talk_seconds_are_nulled(stream: str, value: float) -> None:
    record = {"id": 1, "call_id": 2, "created_at": iso(T0), "updated_at": iso(T0)}
    record["talk_time"] = value
    skip, nulled = check_record(stream, record, NOW)
    assert skip is None and nulled == ["talk_time: duration out of range"]
    assert record["talk_time"] is None


def test_talk_references_may_be_zero_but_not_negative() -> None:
    leg = {"id": 1, "call_id": 2, "created_at": iso(T0), "updated_at": iso(T0), "agent_id": 0}
    assert check_record("legs", leg, NOW) == (None, [])
    assert check_record("legs", {**leg, "agent_id": -1}, NOW)[0] == "agent_id: id out of range"


def test_timestamps_of_any_accepted_shape_mix_in_one_batch() -> None:
    # polars infers one format per column and silently nulled the others
    shapes = ["2026-01-02T03:04:05Z", "2026-01-02T04:04:05+01:00", "2026-01-02T03:04:05",
              "2026-01-02T03:04:05.000Z", "2026-01-02T03:04Z"]  # fmt: skip
    cache = Cache()
    cache.ingest("tickets", [{**good_ticket(i), "created_at": s} for i, s in enumerate(shapes, 1)])
    created = cache.frames.tickets["created_at"].to_list()
    assert created == [datetime(2026, 1, 2, 3, 4, 5 * (i != 4), tzinfo=UTC) for i in range(5)]


def page(rows: list[Any], after: str, eos: bool) -> httpx.Response:
    body = {"tickets": rows, "after_cursor": after, "end_of_stream": eos}
    return httpx.Response(200, content=json.dumps(body).encode())  # NaN, \ud800 as JSON allows


POISON = [
    put(good_ticket(2), "metric_set.reply_time_in_minutes.calendar", float("nan")),
    put(good_ticket(3), "metric_set.reply_time_in_minutes.calendar", float("inf")),
    put(good_ticket(4), "metric_set.full_resolution_time_in_minutes.calendar", 1e13),
    put(good_ticket(5), "metric_set.reply_time_in_minutes.business", -1e9),
    put(good_ticket(6), "tags", ["\ud800"]),
    put(good_ticket(7), "via.channel", "\ud800"),
    put(good_ticket(8), "id", 2**70),
    put(good_ticket(9), "assignee_id", 2**64),
    put(good_ticket(10), "created_at", "9999-12-31T23:59:59Z"),
    put(good_ticket(11), "created_at", "2024-01-01"),
    put(good_ticket(12), "id", -5),
]


async def test_poison_never_blocks_the_stream_nor_the_snapshot() -> None:
    fake = FakeZendesk(script={"/incremental/tickets/cursor.json": [
        page([good_ticket(1), *POISON], "p1", False),
        page([good_ticket(13)], "p2", True),
    ]})  # fmt: skip
    cache, clock = Cache(), FakeClock()
    cfg = make_config()
    async with make_client(fake, clock, cfg) as client:
        await sync_stream(client, cache, "tickets")
        status = client.status
    ids = sorted(cache.frames.tickets["id"].to_list())
    assert ids == [1, 2, 3, 4, 5, 13]  # bad durations nulled, the rest skipped
    assert json.loads(cache.cursor("tickets") or "{}")["after"] == "p2"  # moved past the poison
    assert (status.skipped, status.nulled) == (7, 4)
    assert cache.rejects.skipped[("tickets", "id: id out of range")] == 2  # counted with the data
    assert cache.rejects.nulled.total() == 4
    assert status.rejects is not None and status.rejects.startswith("skipped 7 bad records (")
    snap = compute_snapshot(cache.frames, cfg, datetime.fromtimestamp(NOW, UTC))
    assert snap.to_json()  # no polars error, no UnicodeEncodeError
    assert cache.frames.tickets.filter(cache.frames.tickets["id"] == 2)[
        "reply_minutes_calendar"
    ].to_list() == [None]


async def test_export_reports_bad_records_in_one_line_and_exits_0(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    import deskwatch.zendesk
    from deskwatch.cli import main

    fake = FakeZendesk(script={"/incremental/tickets/cursor.json": [
        page([good_ticket(1), *POISON], "p1", True),
    ]})  # fmt: skip
    clock = FakeClock()
    monkeypatch.setattr(
        deskwatch.zendesk, "ZendeskClient", lambda cfg: make_client(fake, clock, cfg)
    )
    config = tmp_path / "deskwatch.toml"
    config.write_text(
        '[zendesk]\nurl = "http://127.0.0.1:9"\n[zendesk.auth]\naccess_token = "tok"\n'
        "[talk]\nenabled = false\n"
    )
    args = ["export", "--config", str(config), "--state-dir", str(tmp_path / "state")]
    code = await asyncio.to_thread(main, args)
    err = capsys.readouterr().err
    assert code == 0, err
    lines = [line for line in err.splitlines() if "bad record" in line]
    assert len(lines) == 1 and lines[0].startswith("deskwatch: warning: skipped 7 bad records (")
    assert "nulled 4 bad values" in lines[0]


async def test_a_cursor_utf8_cannot_encode_is_a_broken_page_not_a_crash() -> None:
    # found by the fuzz: after_cursor "\ud800" raised UnicodeEncodeError building the next URL
    bad = {"tickets": [good_ticket(1)], "after_cursor": "\ud800", "end_of_stream": False}
    last = {"tickets": [good_ticket(2)], "after_cursor": "\ud800", "end_of_stream": True}
    fake = FakeZendesk(script={"/incremental/tickets/cursor.json": [
        httpx.Response(200, content=json.dumps(bad).encode()),
        httpx.Response(200, content=json.dumps(last).encode()),
    ]})  # fmt: skip
    cache = Cache()
    async with make_client(fake, FakeClock()) as client:
        await sync_stream(client, cache, "tickets")
    assert cache.frames.tickets["id"].to_list() == [2]  # the broken page was re-fetched
    assert "after" not in json.loads(cache.cursor("tickets") or "{}")  # never stored


async def test_a_backfill_counts_its_bad_records_in_the_cache_tally() -> None:
    # found by the issue-16 audit: export said "skipped 50 bad records" (its session) while the
    # tally in the manifest (what check and a restarted app show) held only today's 10: the
    # history backfill never handed its counts to the cache
    from deskwatch.live.sync import sync_all

    midnight = int(NOW) - int(NOW) % 86400  # the fake account's time zone is UTC
    served: list[int] = []

    def tickets(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("start_time", midnight))
        first_history = start < midnight and not any(s < midnight for s in served)
        served.append(start)
        if first_history:  # yesterday, from the backfill: good records and poison
            return page([good_ticket(1), *POISON], "h1", True)
        if start >= midnight:  # today, from the live export
            return page([make_ticket(13, int(NOW) - 60)], "l1", True)
        return page([], "h2", True)

    fake = FakeZendesk(script={"/incremental/tickets/cursor.json": [tickets] * 20})
    cache, cfg = Cache(), make_config(talk={"enabled": False})
    async with make_client(fake, FakeClock(), cfg) as client:
        await sync_all(client, cache, cfg)
        session = client.rejects
    assert any(s < midnight for s in served)  # the backfill ran
    assert sorted(cache.frames.tickets["id"].to_list()) == [1, 2, 3, 4, 5, 13]
    assert (cache.rejects.skipped.total(), cache.rejects.nulled.total()) == (7, 4)
    assert cache.rejects.skipped == session.skipped and cache.rejects.nulled == session.nulled
