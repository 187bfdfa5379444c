"""Every real recording in ../shared/fixtures-external parses into the expected records."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from deskwatch.zendesk import NotFoundError
from deskwatch.zendesk.governor import Governor
from deskwatch.zendesk.parse import METRIC_SET, conforms, split_valid
from tests.unit.test_zendesk_fake import (
    EPOCH,
    FIXTURES,
    FakeClock,
    FakeZendesk,
    collect,
    make_client,
)

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared fixtures not present")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def airbyte(name: str) -> list[dict[str, Any]]:
    lines = (FIXTURES / name).read_text().splitlines()
    return [json.loads(line)["data"] for line in lines if line.strip()]


def serve(path_suffix: str, *bodies: Any) -> FakeZendesk:
    return FakeZendesk(script={path_suffix: [httpx.Response(200, json=b) for b in bodies]})


@pytest.mark.parametrize(
    ("name", "key", "count"),
    [
        ("incremental_tickets_cursor.end_of_stream_true.json", "tickets", 87),
        ("incremental_tickets_cursor.start_time0_per_page1.json", "tickets", 1),
        ("incremental_tickets_time_based.end_of_stream_true.json", "tickets", 87),
        ("incremental_tickets_time_based.per_page1_count7.json", "tickets", 7),
        ("tickets_list.cursor_page_size1.json", "tickets", 1),
        ("tickets_list.offset_page1.json", "tickets", 100),
        ("incremental_users_cursor.per_page1.json", "users", 1),
        ("users_list.cursor_page_size1.json", "users", 1),
        ("groups_list.cursor_page_size100_has_more_false.json", "groups", 9),
    ],
)
def test_recorded_envelopes_all_records_valid(name: str, key: str, count: int) -> None:
    stream = {"tickets": "tickets", "users": "users", "groups": "groups"}[key]
    good, skipped = split_valid(stream, load(name)[key])
    assert (len(good), skipped) == (count, 0)


@pytest.mark.parametrize(
    ("name", "stream", "count"),
    [
        ("talk_incremental_calls.airbyte_records.jsonl", "calls", 8),
        ("talk_incremental_legs.airbyte_records.jsonl", "legs", 8),
        ("talk_stats_agents_activity.airbyte_records.jsonl", "agents_activity", 1),
        ("satisfaction_ratings.airbyte_records.jsonl", "ratings", 3),
        ("incremental_tickets.airbyte_records.jsonl", "tickets", 3),
    ],
)
def test_recorded_airbyte_records_all_valid(name: str, stream: str, count: int) -> None:
    good, skipped = split_valid(stream, airbyte(name))
    assert (len(good), skipped) == (count, 0)


def test_recorded_ticket_metrics_are_valid_metric_sets() -> None:
    rows = airbyte("ticket_metrics.airbyte_records.jsonl")
    assert len(rows) == 3 and all(conforms(r, METRIC_SET) for r in rows)


async def test_recorded_cursor_pages_through_the_client() -> None:
    page1 = load("incremental_tickets_cursor.start_time0_per_page1.json")
    last = load("incremental_tickets_cursor.end_of_stream_true.json")
    fake = serve("/incremental/tickets/cursor.json", page1, last)
    async with make_client(fake, FakeClock()) as client:
        batches = await collect(client, "tickets")
    assert [len(b.records) for b in batches] == [1, 87]
    assert batches[0].records[0]["id"] == 28
    assert [b.done for b in batches] == [False, True]
    assert fake.requests[1].url.params["cursor"] == "MTY5NTA1MjY2My4wfHwyOHw="
    assert json.loads(batches[1].cursor)["after"] == "MTcwNzI3MTc0MS4wfHw0MDQ1fA=="
    ids = [t["id"] for t in last["tickets"]]
    assert [r["id"] for r in batches[1].records] == ids


async def test_recorded_users_list_pages_on_has_more_and_end_users_are_left_out() -> None:
    page = load("users_list.cursor_page_size1.json")
    agent = {**page["users"][0], "id": 1, "role": "agent"}
    # the last page as Zendesk sends it: links.next still set, has_more false
    final = {**page, "users": [agent], "meta": {**page["meta"], "has_more": False}}
    assert final["links"]["next"]
    fake = serve("/api/v2/users.json", page, final)
    async with make_client(fake, FakeClock()) as client:
        batches = await collect(client, "users")
        skipped = client.status.skipped
    assert page["users"][0]["role"] == "end-user"
    assert [[u["id"] for u in b.records] for b in batches] == [[], [1]] and skipped == 0
    assert len(fake.requests) == 2
    assert fake.requests[1].url.params["page[after]"] == page["meta"]["after_cursor"]


async def test_recorded_groups_page_has_more_false_with_links_next_is_one_request() -> None:
    body = load("groups_list.cursor_page_size100_has_more_false.json")
    assert body["links"]["next"]  # the trap: set although has_more is false
    fake = serve("/groups.json", body)
    async with make_client(fake, FakeClock()) as client:
        batches = await collect(client, "groups")
    assert len(fake.requests) == 1
    assert [g["name"] for g in batches[0].records] == [g["name"] for g in body["groups"]]


async def test_recorded_calls_deduplicate_to_seven() -> None:
    rows = airbyte("talk_incremental_calls.airbyte_records.jsonl")
    body = {"calls": rows, "count": len(rows), "end_time": 1634752238, "next_page": "x"}
    caught_up = {"calls": [], "count": 0, "end_time": 1634752238, "next_page": "x"}
    fake = serve("/incremental/calls.json", body, caught_up)
    async with make_client(fake, FakeClock()) as client:
        batches = await collect(client, "calls", json.dumps({"start": 1617284000}))
    # 8 records is no proof of "caught up" (no page size is assumed): the fetch goes on past
    # end_time, and the empty page there ends it
    assert [r.url.params["start_time"] for r in fake.requests] == ["1617284000", "1634752239"]
    ids = [r["id"] for b in batches for r in b.records]
    assert len(ids) == 7 and len(set(ids)) == 7
    assert batches[-1].done and json.loads(batches[-1].cursor) == {"start": 1634752239}
    assert batches[0].records[0]["call_charge"] == "0.003"


async def test_recorded_legs_agents_activity_and_ratings_through_the_client() -> None:
    legs = airbyte("talk_incremental_legs.airbyte_records.jsonl")
    agents = airbyte("talk_stats_agents_activity.airbyte_records.jsonl")
    ratings = airbyte("satisfaction_ratings.airbyte_records.jsonl")
    fake = FakeZendesk(
        script={
            "/incremental/legs.json": [
                httpx.Response(200, json={"legs": legs, "count": 8, "end_time": 1634743806})
            ],
            "/agents_activity.json": [
                httpx.Response(200, json={"agents_activity": agents, "next_page": None})
            ],
            "/satisfaction_ratings.json": [
                httpx.Response(200, json={"satisfaction_ratings": ratings, "meta": {}})
            ],
        }
    )
    cursor = json.dumps({"start": 1617284594})
    async with make_client(fake, FakeClock()) as client:
        got_legs = await collect(client, "legs", cursor)
        got_agents = await collect(client, "agents_activity")
        got_ratings = await collect(client, "ratings", json.dumps({"start": 1687000000}))
    assert [r["id"] for b in got_legs for r in b.records] == [r["id"] for r in legs]
    assert [r["agent_id"] for b in got_agents for r in b.records] == [360786799676]
    assert [r["ticket_id"] for b in got_ratings for r in b.records] == [146, 158, 161]
    # next poll: newest updated_at (2024-05-28T21:01:33Z) minus the one-hour overlap
    assert json.loads(got_ratings[-1].cursor)["start"] == 1716930093 - 3600
    assert EPOCH > 1716930093


async def test_recorded_404_body_becomes_a_not_found_error() -> None:
    body = load("error_404_RecordNotFound.json")
    fake = FakeZendesk(script={"/groups.json": [httpx.Response(404, json=body)]})
    async with make_client(fake, FakeClock()) as client:
        with pytest.raises(NotFoundError, match="RecordNotFound: Not found"):
            await collect(client, "groups")


def test_recorded_rate_limit_headers_teach_the_governor_the_plan_limit() -> None:
    recorded = load("response_headers.incremental_tickets_time_based.json")["headers"]
    headers = {k.lower(): v[0] for k, v in recorded.items()}
    clock = FakeClock()
    gov = Governor(0.25, clock=clock.clock, sleep=clock.sleep)
    gov.observe(headers, incremental=False)
    assert gov.plan_limit == 700 and gov.allowed_per_minute == 175
