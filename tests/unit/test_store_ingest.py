"""Ingest real recorded Zendesk records and hand-built versions into the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from deskwatch.store import Cache
from deskwatch.store.schema import STATUS, schema_of
from tests.unit.kpi_records import ticket

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures-external"


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def airbyte(name: str) -> list[dict]:
    lines = fixture(name).read_text().splitlines()
    return [json.loads(line)["data"] for line in lines if line.strip()]


def test_recorded_ticket_export() -> None:
    raw = json.loads(fixture("incremental_tickets_cursor.end_of_stream_true.json").read_text())
    tickets = raw["tickets"]
    c = Cache()
    assert c.ingest("tickets", tickets) == len(tickets)
    frame = c.frames.tickets
    # every column but the subject, which stays out of memory (read for listings only)
    assert frame.schema == {k: v for k, v in schema_of("tickets").items() if k != "subject"}
    assert frame.height == len({t["id"] for t in tickets})
    listed = c.subjects(frame.get_column("id"))
    assert dict(listed.iter_rows()) == {t["id"]: t["subject"] for t in tickets}
    expected: dict[str, int] = {}
    for t in tickets:
        expected[t["status"]] = expected.get(t["status"], 0) + 1
    counts = dict(frame.group_by(pl.col("status").cast(pl.String)).len().iter_rows())
    assert counts == expected
    assert frame["created_at"].dtype == pl.Datetime("us", "UTC")
    assert frame.filter(pl.col("id") == 28)["channel"].item() == "api"


def test_recorded_airbyte_tickets_with_voice_channel() -> None:
    tickets = airbyte("incremental_tickets.airbyte_records.jsonl")
    c = Cache()
    c.ingest("tickets", tickets)
    channels = set(c.frames.tickets["channel"].to_list())
    assert channels == {str(t.get("via", {}).get("channel") or "unknown") for t in tickets}


def test_recorded_calls_dedupe_and_quality() -> None:
    calls = airbyte("talk_incremental_calls.airbyte_records.jsonl")
    c = Cache()
    c.ingest("calls", calls)
    frame = c.frames.calls
    assert frame.height == len({x["id"] for x in calls})  # the file holds one duplicate
    assert frame.height == len(calls) - 1
    by_id = {r["id"]: r for r in frame.iter_rows(named=True)}
    first = calls[0]
    assert first["quality_issues"] == ["silence"]
    assert by_id[first["id"]]["has_quality_issue"] is True
    assert by_id[first["id"]]["outcome"] is None  # outbound
    assert by_id[calls[1]["id"]]["has_quality_issue"] is False


def test_recorded_legs_ratings_activity_users() -> None:
    c = Cache()
    legs = airbyte("talk_incremental_legs.airbyte_records.jsonl")
    c.ingest("legs", legs)
    assert c.frames.legs.height == len({x["id"] for x in legs})
    ratings = airbyte("satisfaction_ratings.airbyte_records.jsonl")
    c.ingest("ratings", ratings)
    assert c.frames.ratings["score"].to_list() == ["offered"] * 3
    c.ingest("agents_activity", airbyte("talk_stats_agents_activity.airbyte_records.jsonl"))
    assert c.frames.agents_activity["name"].to_list() == ["Team Airbyte"]
    users = json.loads(fixture("incremental_users_cursor.per_page1.json").read_text())["users"]
    c.ingest("users", users)
    assert c.frames.users["id"].to_list() == [u["id"] for u in users]


def test_newest_version_wins_in_any_arrival_order() -> None:
    t0 = datetime(2026, 5, 1, 8, tzinfo=UTC)
    old = ticket(1, t0, status="open", updated=t0, gen=10)
    new = ticket(
        1,
        t0,
        status="solved",
        updated=datetime(2026, 5, 1, 9, tzinfo=UTC),
        gen=5,
        solved_at=datetime(2026, 5, 1, 9, tzinfo=UTC),
    )
    same_time_later_gen = ticket(1, t0, status="hold", updated=t0, gen=11)
    for order in ([old, new], [new, old], [old, same_time_later_gen, new]):
        c = Cache()
        for rec in order:
            c.ingest("tickets", [rec])
        assert c.frames.tickets["status"].to_list() == ["solved"]
    c = Cache()
    c.ingest("tickets", [same_time_later_gen, old])  # equal updated_at: generated_timestamp decides
    assert c.frames.tickets["status"].to_list() == ["hold"]


def test_absent_fields_and_unknown_values() -> None:
    t0 = datetime(2026, 5, 1, 8, tzinfo=UTC)
    rec = ticket(1, t0, status="solved")  # no solved_at in metric_set
    weird = {
        "id": 2,
        "created_at": "2026-05-01T08:00:00Z",
        "updated_at": "2026-05-01T08:00:00Z",
        "status": "archived",
        "priority": "critical",
        "type": "chore",
        "tags": None,
    }
    c = Cache()
    c.ingest("tickets", [rec, weird])
    rows = {r["id"]: r for r in c.frames.tickets.iter_rows(named=True)}
    assert rows[1]["solve_time"] is None and rows[1]["solved_at"] is None
    assert rows[2]["status"] is None and rows[2]["priority"] is None and rows[2]["type"] is None
    assert rows[2]["channel"] == "unknown"
    assert c.frames.tickets["status"].dtype == STATUS


def test_derived_first_reply_and_solve_time() -> None:
    t0 = datetime(2026, 5, 1, 8, tzinfo=UTC)
    solved = datetime(2026, 5, 2, 8, tzinfo=UTC)
    c = Cache()
    c.ingest(
        "tickets",
        [
            ticket(1, t0, status="closed", solved_at=solved, reply=90.5),
            ticket(2, t0, status="open", solved_at=solved),
        ],
    )
    rows = {r["id"]: r for r in c.frames.tickets.iter_rows(named=True)}
    assert rows[1]["first_reply_at"] == datetime(2026, 5, 1, 9, 30, 30, tzinfo=UTC)
    assert rows[1]["solve_time"] == solved
    assert rows[2]["solve_time"] is None  # reopened: solved_at kept but not a solved ticket
    assert rows[2]["first_reply_at"] is None


def test_snapshot_streams_replace_and_unknown_stream() -> None:
    c = Cache()
    c.replace_records("groups", [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}])
    c.replace_records("groups", [{"id": 2, "name": "B2"}])
    assert c.frames.groups["name"].to_list() == ["B2"]
    c.ingest("queue", [{"calls_waiting": 1}, {"calls_waiting": 4}])
    assert c.frames.queue["calls_waiting"].to_list() == [4]
    with pytest.raises(ValueError, match="unknown stream"):
        c.ingest("nope", [{}])


def test_frames_bundle_is_stable_and_versioned() -> None:
    c = Cache()
    before, v0 = c.frames, c.version
    assert c.frames is before
    c.ingest("tickets", [ticket(1, datetime(2026, 5, 1, tzinfo=UTC))])
    assert c.frames is not before and c.version > v0
    assert before.tickets.height == 0  # an earlier bundle is never mutated


def test_identical_listing_does_not_bump_the_version() -> None:
    queue = {
        "agents_online": 3,
        "calls_waiting": 1,
        "callbacks_waiting": 0,
        "embeddable_callbacks_waiting": 0,
        "average_wait_time": 12,
        "longest_wait_time": 40,
    }
    cache = Cache()
    cache.replace_records("queue", [queue], fetched_at=datetime(2026, 11, 23, 9, tzinfo=UTC))
    version = cache.version
    cache.replace_records("queue", [queue], fetched_at=datetime(2026, 11, 23, 10, tzinfo=UTC))
    assert cache.version == version  # same rows, fetched later: nothing to recompute
    cache.replace_records("queue", [{**queue, "calls_waiting": 2}])
    assert cache.version == version + 1
    assert cache.frames.queue["calls_waiting"].to_list() == [2]
