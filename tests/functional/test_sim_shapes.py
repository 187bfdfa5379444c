"""Every simulator endpoint carries the keys, with the value types, of real Zendesk recordings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from deskwatch.sim import SimHandle

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures-external"
VOICE = "/api/v2/channels/voice/stats"


def fixture_json(name: str) -> Any:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"real recordings not available ({path})")
    return json.loads(path.read_text())


def fixture_records(name: str) -> list[dict[str, Any]]:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"real recordings not available ({path})")
    return [json.loads(line)["data"] for line in path.read_text().splitlines() if line.strip()]


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_same_shape(
    real: dict[str, Any], ours: list[dict[str, Any]], *, optional: set[str] = frozenset()
) -> None:
    """Each real key is on our records (unless optional) and, where both are non-null, same type."""
    for key, value in real.items():
        present = [o for o in ours if key in o]
        if key not in optional:
            assert len(present) == len(ours), f"{key!r} missing from some records"
        if value is None or isinstance(value, dict):
            continue
        seen = {kind(o[key]) for o in present if o[key] is not None}
        assert seen <= {kind(value)}, f"{key!r}: real {kind(value)}, ours {seen}"


SIM = dict(
    seed=21, history_days=15, tickets=3000, calls=1500, live=False, incremental_limit=1000
)  # fmt: skip


def get(sim: SimHandle, path: str, **params: Any) -> dict[str, Any]:
    response = httpx.get(
        sim.url + path,
        params=params,
        headers={"Authorization": f"Bearer {sim.access_token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_ticket_cursor_export_shape(sim: SimHandle) -> None:
    real = fixture_json("incremental_tickets_cursor.end_of_stream_true.json")
    ours = get(sim, "/api/v2/incremental/tickets/cursor.json", start_time=0, include="metric_sets")
    assert set(ours) == set(real)
    for record in real["tickets"][-5:]:
        assert_same_shape(record, ours["tickets"])
    airbyte = fixture_records("incremental_tickets.airbyte_records.jsonl")
    for record in airbyte:
        assert_same_shape(record, ours["tickets"])
    assert isinstance(ours["after_cursor"], str) and ours["end_of_stream"] is False


def test_metric_set_shape(sim: SimHandle) -> None:
    ours = get(sim, "/api/v2/incremental/tickets/cursor.json", start_time=0, include="metric_sets")
    metric_sets = [t["metric_set"] for t in ours["tickets"]]
    absent_when_not_yet = {"assigned_at", "initially_assigned_at", "solved_at",
                           "assignee_updated_at"}  # fmt: skip
    for record in fixture_records("ticket_metrics.airbyte_records.jsonl"):
        record.pop("_ab_updated_at")
        assert_same_shape(record, metric_sets, optional=absent_when_not_yet)
        for key in ("reply_time_in_minutes", "full_resolution_time_in_minutes"):
            assert all(set(m[key]) == {"calendar", "business"} for m in metric_sets)
    assert any("solved_at" in m for m in metric_sets)
    assert any("solved_at" not in m for m in metric_sets)


def test_users_export_shape(sim: SimHandle) -> None:
    real = fixture_json("incremental_users_cursor.per_page1.json")
    ours = get(sim, "/api/v2/incremental/users/cursor.json", start_time=0, per_page=200)
    assert set(ours) == set(real)
    assert_same_shape(real["users"][0], ours["users"])
    roles = {u["role"] for u in ours["users"]}
    assert roles <= {"end-user", "agent", "admin"}


def test_groups_shape_and_links_quirk(sim: SimHandle) -> None:
    real = fixture_json("groups_list.cursor_page_size100_has_more_false.json")
    ours = get(sim, "/api/v2/groups", **{"page[size]": 100})
    assert set(ours) == set(real)
    assert set(ours["meta"]) == set(real["meta"]) and set(ours["links"]) == set(real["links"])
    assert_same_shape(real["groups"][0], ours["groups"])
    assert ours["meta"]["has_more"] is False
    assert ours["links"]["next"] is not None  # as recorded: next set while has_more is false


def test_ratings_shape(sim: SimHandle) -> None:
    ours = get(sim, "/api/v2/satisfaction_ratings", **{"page[size]": 100})
    for record in fixture_records("satisfaction_ratings.airbyte_records.jsonl"):
        assert_same_shape(record, ours["satisfaction_ratings"])
    assert {"has_more", "after_cursor", "before_cursor"} == set(ours["meta"])


@pytest.mark.parametrize(
    ("path", "key", "fixture"),
    [
        ("incremental/calls", "calls", "talk_incremental_calls.airbyte_records.jsonl"),
        ("incremental/legs", "legs", "talk_incremental_legs.airbyte_records.jsonl"),
    ],
)
def test_talk_incremental_shape(sim: SimHandle, path: str, key: str, fixture: str) -> None:
    ours = get(sim, f"{VOICE}/{path}", start_time=0, per_page=500)
    assert set(ours) == {key, "next_page", "count", "end_time"}
    assert isinstance(ours["next_page"], str) and ours["count"] == len(ours[key])
    for record in fixture_records(fixture):
        assert_same_shape(record, ours[key])


def test_agents_activity_shape(sim: SimHandle) -> None:
    ours = get(sim, f"{VOICE}/agents_activity")
    assert len(ours["agents_activity"]) == 40 and "next_page" in ours
    for record in fixture_records("talk_stats_agents_activity.airbyte_records.jsonl"):
        record["avatar_url"] = None  # we have no avatars; null is what Zendesk sends without one
        assert_same_shape(record, ours["agents_activity"])


def test_queue_and_overview_keys(sim: SimHandle) -> None:
    queue = get(sim, f"{VOICE}/current_queue_activity")["current_queue_activity"]
    assert set(queue) == {"agents_online", "calls_waiting", "callbacks_waiting",
                          "embeddable_callbacks_waiting", "average_wait_time",
                          "longest_wait_time"}  # fmt: skip
    assert all(isinstance(v, int) for v in queue.values())
    overview = get(sim, f"{VOICE}/account_overview")["account_overview"]
    assert {"total_calls", "average_queue_wait_time", "total_inbound_calls"} <= set(overview)


def test_errors_are_zendesk_bodies(sim: SimHandle) -> None:
    real = fixture_json("error_404_RecordNotFound.json")
    response = httpx.get(
        f"{sim.url}/api/v2/nothing/here.json",
        headers={"Authorization": f"Bearer {sim.access_token}"},
    )
    assert response.status_code == 404
    assert set(response.json()) == set(real)
