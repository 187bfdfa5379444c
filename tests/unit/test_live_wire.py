"""What a collector publishes reads back as what it had: data, status, the collector's name."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from deskwatch.live.pollstate import PollStatus, RoleInfo, StreamState
from deskwatch.live.wire import WireError, decode_data, decode_status, encode_data, encode_status
from deskwatch.widgets.status_bar import describe
from deskwatch.zendesk.model import ClientStatus
from tests.functional.snapshot_apps.ops_fixture import make_data

AT = datetime(2026, 11, 23, 13, 5, 1, tzinfo=UTC)


def test_data_round_trip_keeps_the_typed_snapshot_and_staleness():
    data = make_data(stale=frozenset({"calls"}))
    data = replace(data, partial=True, unavailable=frozenset({"legs"}))
    back, published = decode_data(encode_data(data, AT), data.cfg)
    assert published == AT
    assert back == data  # every field, the typed snapshot with its ops figures included


def test_data_before_the_first_computation():
    data = make_data(empty=True)
    back, _ = decode_data(encode_data(data, AT), data.cfg)
    assert back.snapshot is None and back == data


def status() -> PollStatus:
    client = ClientStatus(
        state="ok",
        retry_at=None,
        requests_last_minute=12,
        allowed_per_minute=175,
        plan_limit=700,
        errors=1,
        last_error="boom",
        skipped=0,
        requests=99,
        warnings=("API tokens retire on 2027-04-30",),
    )
    stream = StreamState("tickets", 10.0, synced=True, last_ok=AT, records=42)
    return PollStatus(interval=10.0, streams=(stream,), last_sync=AT, client=client, errors=1)


def test_status_round_trip_names_the_collector():
    sent = status()
    back, who, published = decode_status(encode_status(sent, "pid 7 on wall-1", AT))
    assert (who, published) == ("pid 7 on wall-1", AT)
    assert back == replace(sent, client=replace(sent.client, warnings=()))


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[]", json.dumps({"format": 99}).encode(), b'{"format": 1, "now": 3}'],
)
def test_unreadable_payloads_are_one_wire_error(payload: bytes):
    cfg = make_data().cfg
    with pytest.raises(WireError):
        decode_data(payload, cfg)
    with pytest.raises(WireError):
        decode_status(payload)


def test_status_bar_names_the_role_and_the_collector():
    base = status()
    now = AT + timedelta(seconds=3)
    viewer = replace(base, role=RoleInfo("viewer", "pid 7 on wall-1"))
    view = describe(viewer, now, UTC)
    assert view.state == "● live"
    assert view.detail.startswith("viewer of pid 7 on wall-1 · synced 13:05:01")
    collector = replace(base, role=RoleInfo("collector", "pid 8 on hq", "nats://b:4222"))
    assert describe(collector, now, UTC).detail.startswith("collector (pid 8 on hq) via nats://")


def test_status_bar_shows_an_unreachable_broker_and_the_age_of_the_data():
    role = RoleInfo("viewer", "pid 7 on wall-1", broker_down=True, published_at=AT)
    view = describe(replace(status(), role=role), AT + timedelta(minutes=4), UTC)
    assert (view.state, view.kind) == ("✖ broker unreachable", "error")
    assert "data from 13:05:01 (4 min old)" in view.detail
    silent = RoleInfo("viewer", "pid 7 on wall-1", silent=True, published_at=AT)
    assert describe(replace(status(), role=silent), AT, UTC).state == "✖ collector silent"
