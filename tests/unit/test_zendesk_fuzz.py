"""Hypothesis fuzzing of every pager: envelopes and records of every stream, and stored cursors.

Whatever JSON (or non-JSON) a server sends, a fetch either yields batches or raises one of the
client's typed one-line errors (:class:`ZendeskError`); every record it yields passes the edge
checks and builds into a frame; a fetch always ends (pages are bounded) and every cursor it
hands out is a string or None. Seeds: the real recordings in ../shared/fixtures-external when
present (mutated field by field), else small hand-made records.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from deskwatch.store import Cache
from deskwatch.stream_registry import STREAMS
from deskwatch.zendesk import ZendeskClient, ZendeskError
from deskwatch.zendesk.parse import check_record
from tests.unit.test_zendesk_fake import EPOCH, FIXTURES, FakeClock, iso, make_config

T = int(EPOCH) - 3600
PAGES = 6  # a fetch gets at most this many fuzzed pages, then a well-formed last page
LIST_KEYS = {
    "tickets": "tickets",
    "users": "users",
    "groups": "groups",
    "brands": "brands",
    "ratings": "satisfaction_ratings",
    "calls": "calls",
    "legs": "legs",
    "agents_activity": "agents_activity",
}
HAND_MADE: dict[str, dict[str, Any]] = {
    "tickets": {
        "id": 1,
        "created_at": iso(T),
        "updated_at": iso(T),
        "generated_timestamp": T,
        "status": "solved",
        "via": {"channel": "email"},
        "tags": ["a"],
        "assignee_id": 5,
        "metric_set": {
            "solved_at": iso(T),
            "reply_time_in_minutes": {"calendar": 5, "business": 3},
            "full_resolution_time_in_minutes": {"calendar": 50, "business": 30},
        },
    },
    "users": {"id": 5, "name": "Ada", "role": "agent", "active": True, "updated_at": iso(T)},
    "groups": {"id": 2, "name": "Tier 1", "deleted": False, "updated_at": iso(T)},
    "brands": {"id": 4, "name": "Acme", "is_deleted": False, "updated_at": iso(T)},
    "ratings": {
        "id": 3,
        "score": "good",
        "ticket_id": 1,
        "created_at": iso(T),
        "updated_at": iso(T),
    },
    "calls": {
        "id": 4,
        "created_at": iso(T),
        "updated_at": iso(T),
        "direction": "inbound",
        "completion_status": "completed",
        "agent_id": 5,
        "talk_time": 60,
        "quality_issues": ["none"],
    },
    "legs": {"id": 6, "call_id": 4, "created_at": iso(T), "updated_at": iso(T), "agent_id": 0},
    "agents_activity": {"agent_id": 5, "name": "Ada", "online_time": 3600, "calls_accepted": 3},
    "queue": {"agents_online": 3, "calls_waiting": 1, "average_wait_time": 12},
}
AIRBYTE = {
    "tickets": "incremental_tickets.airbyte_records.jsonl",
    "ratings": "satisfaction_ratings.airbyte_records.jsonl",
    "calls": "talk_incremental_calls.airbyte_records.jsonl",
    "legs": "talk_incremental_legs.airbyte_records.jsonl",
    "agents_activity": "talk_stats_agents_activity.airbyte_records.jsonl",
}


def _seeds() -> dict[str, list[dict[str, Any]]]:
    seeds = {s: [r] for s, r in HAND_MADE.items()}
    if FIXTURES.is_dir():  # the real recordings, when the shared folder is there
        for stream, name in AIRBYTE.items():
            lines = (FIXTURES / name).read_text().splitlines()
            seeds[stream] += [json.loads(line)["data"] for line in lines if line.strip()]
    return seeds


SEEDS = _seeds()

surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
texts = st.text(max_size=6) | st.text(surrogates, min_size=1, max_size=2)
numbers = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.sampled_from([0, -1, 2**63, 2**64, 1e13, -1e9, 1e400])
)
stamps = st.sampled_from(
    [iso(T), "0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z",
     "2024-01-01", iso(T + 10 * 365 * 86400), "2026-01-02T03:04:05+01:00", "x"]
)  # fmt: skip
urls = st.sampled_from(
    ["http://[", "https://x:99999/a", "//x", "/api/v2/x.json?page=2", "ftp://a/b", "a b",
     "http://127.0.0.1:9/api/v2/channels/voice/stats/agents_activity.json?page=2"]
)  # fmt: skip
scalars = st.none() | st.booleans() | numbers | texts | stamps | urls
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def records(draw: st.DrawFn, stream: str) -> Any:
    """A seed record with some fields (or nested fields) replaced by fuzz, or plain fuzz."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    record = json.loads(json.dumps(draw(st.sampled_from(SEEDS[stream]))))  # a deep copy
    for _ in range(draw(st.integers(0, 3))):
        target = record
        keys = [k for k in target if isinstance(k, str)] or ["id"]
        key = draw(st.sampled_from(sorted(keys)))
        if isinstance(target.get(key), dict) and target[key] and draw(st.booleans()):
            target = target[key]
            key = draw(st.sampled_from(sorted(target)))
        target[key] = draw(json_values)
    return record


def envelope(draw: st.DrawFn, stream: str, last: bool) -> dict[str, Any]:
    """A page around fuzzed records with fuzzed (or, for the last page, final) paging fields."""
    rows = draw(st.lists(records(stream), max_size=4))
    page: dict[str, Any]
    if stream == "queue":
        return {"current_queue_activity": rows[0] if rows else draw(json_values)}
    page = {LIST_KEYS[stream]: rows}
    if stream == "tickets":
        page["end_of_stream"] = True if last else draw(json_values)
        page["after_cursor"] = draw(st.none() | texts)
    elif stream in ("calls", "legs"):
        page["count"] = 0 if last else draw(json_values)
        page["end_time"] = draw(json_values)
        page["next_page"] = draw(json_values)
    elif stream == "agents_activity":
        page["next_page"] = None if last else draw(json_values)
    else:
        page["meta"] = {"has_more": False} if last else draw(json_values)
        if not last and isinstance(page["meta"], dict) and draw(st.booleans()):
            page["meta"]["has_more"] = True
            page["meta"]["after_cursor"] = draw(json_values)
    return page


# the rate-limit headers every answer carries (learned by the governor), sane or not
header_values = st.sampled_from(["700", "3", "0", "1e400", "inf", "nan", "-5", "1e12", "", "x"])
headers = st.dictionaries(
    st.sampled_from(["x-rate-limit", "x-rate-limit-remaining", "ratelimit-limit",
                     "ratelimit-remaining", "ratelimit-reset"]),
    header_values,
    max_size=3,
)  # fmt: skip


@st.composite
def replies(draw: st.DrawFn, stream: str) -> list[httpx.Response]:
    out = []
    for _ in range(draw(st.integers(1, PAGES))):
        kind = draw(st.sampled_from(["page", "page", "page", "value", "bytes"]))
        if kind == "page":
            body = json.dumps(envelope(draw, stream, last=False)).encode()
        elif kind == "value":
            body = json.dumps(draw(json_values)).encode()
        else:
            body = draw(st.sampled_from([b"", b"{", b"[" * 5000, b"\xff\xfe", b"nul", b"NaN"]))
        out.append(httpx.Response(200, content=body, headers=draw(headers)))
    last = json.dumps(envelope(draw, stream, last=True)).encode()
    out.append(httpx.Response(200, content=last, headers=draw(headers)))
    return out


def run_fetch(
    stream: str, pages: list[httpx.Response], cursor: str | None, *, history: bool = False
) -> tuple[list, Any]:
    served: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        served.append(request)
        if len(served) > 50:
            raise AssertionError("a fetch that does not end")
        return pages.pop(0) if pages else httpx.Response(500)

    clock = FakeClock()

    async def main() -> tuple[list, Any]:
        client = ZendeskClient(
            make_config(),
            transport=httpx.MockTransport(answer),
            clock=clock.clock,
            sleep=clock.sleep,
            wall=clock.wall,
            rng=random.Random(1),
            max_attempts=2,
            page_size=4,
        )
        batches: list = []
        error = None
        async with client:
            try:
                fetch = client.fetch_history if history else client.fetch
                async for batch in fetch(stream, cursor):
                    batches.append(batch)
            except ZendeskError as exc:  # the documented failure: typed, one line
                error = exc
        return batches, error

    return asyncio.run(main())


def check_outcome(stream: str, batches: list, error: Any) -> None:
    if error is not None:
        assert "\n" not in str(error) and str(error)
    cache = Cache()
    for batch in batches:
        assert batch.cursor is None or isinstance(batch.cursor, str)
        for record in batch.records:
            assert check_record(stream, record, EPOCH)[0] is None
        if stream in ("users", "groups", "brands", "queue", "agents_activity"):
            cache.replace_records(stream, batch.records)
        else:
            cache.ingest(stream, batch.records)
    assert cache.frames.get(stream).height <= sum(len(b.records) for b in batches)


FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    phases=[Phase.explicit, Phase.generate],
)


@FUZZ
@given(data=st.data())
def test_fuzzed_pages_never_raise_anything_but_typed_errors(data: st.DataObject) -> None:
    for stream in STREAMS:
        pages = data.draw(replies(stream), label=stream)
        batches, error = run_fetch(stream, pages, None)
        check_outcome(stream, batches, error)


cursors = st.none() | texts | json_values.map(lambda v: json.dumps(v))


@FUZZ
@given(stream=st.sampled_from(["tickets", "ratings", "calls", "legs"]), cursor=cursors)
def test_any_stored_cursor_resumes_or_fails_typed(stream: str, cursor: str | None) -> None:
    last = {
        "tickets": {"tickets": [], "end_of_stream": True, "after_cursor": "a"},
        "ratings": {"satisfaction_ratings": [], "meta": {"has_more": False}},
        "calls": {"calls": [], "count": 0, "end_time": T, "next_page": "x"},
        "legs": {"legs": [], "count": 0, "end_time": T, "next_page": "x"},
    }[stream]
    batches, error = run_fetch(stream, [httpx.Response(200, json=last)], cursor)
    check_outcome(stream, batches, error)
    assert error is None and batches[-1].done


# a backfill cursor as the manifest could hold it: the ranges still to read, where the live export
# began, and the inner export's cursor, each well-formed, absurd or of the wrong type
bounds = st.sampled_from([T - 2 * 86400, T - 86400, T - 3600, T]) | numbers | json_values
history_cursors = (
    st.none()
    | texts
    | st.fixed_dictionaries(
        {},
        optional={
            "origin": bounds,
            "span": bounds,
            "ranges": st.lists(st.lists(bounds, min_size=2, max_size=2) | json_values, max_size=3),
            "inner": st.none() | texts | json_values.map(lambda v: json.dumps(v)),
        },
    ).map(lambda d: json.dumps(d))
)


@FUZZ
@given(data=st.data(), stream=st.sampled_from(["tickets", "calls", "legs"]))
def test_any_backfill_cursor_and_pages_give_batches_or_a_typed_error(
    data: st.DataObject, stream: str
) -> None:
    # the history backfill's pager (ranges of the export before today) was not fuzzed
    cursor = data.draw(history_cursors, label="cursor")
    pages = data.draw(replies(stream), label="pages")
    batches, error = run_fetch(stream, pages, cursor, history=True)
    check_outcome(stream, batches, error)
