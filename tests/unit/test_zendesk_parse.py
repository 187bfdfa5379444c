"""Record validation: never crashes, never lets a wrong type through, tolerates the unknown."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from deskwatch.zendesk.parse import SPECS, split_valid, valid_record

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
GOOD = {
    "tickets": {"id": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-02T00:00Z"},
    "calls": {"id": 2, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:01:00Z"},
    "ratings": {
        "id": 3,
        "score": "good",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    },
}


@settings(max_examples=200, deadline=None)
@given(stream=st.sampled_from(sorted(SPECS)), records=st.lists(json_values, max_size=5))
def test_arbitrary_json_never_crashes_the_validator(stream: str, records: list[Any]) -> None:
    good, skipped = split_valid(stream, records)
    assert len(good) + skipped == len(records)
    assert all(isinstance(r, dict) for r in good)


@settings(max_examples=200, deadline=None)
@given(
    stream=st.sampled_from(sorted(GOOD)),
    field=st.sampled_from(["id", "created_at", "updated_at"]),
    bad=st.one_of(st.text(max_size=6), st.booleans(), st.floats(), st.lists(st.integers())),
)
def test_a_wrong_type_in_a_key_field_rejects_the_record(stream: str, field: str, bad: Any) -> None:
    # no text of <= 6 characters is an ISO timestamp, and no text/bool/float/list is an int id
    assert valid_record(stream, {**GOOD[stream], field: bad}) is False


@given(extra=st.dictionaries(st.text(min_size=1, max_size=10), json_values, max_size=4))
def test_unknown_fields_are_ignored(extra: dict[str, Any]) -> None:
    for stream, record in GOOD.items():
        known = set(SPECS[stream]) | {"metric_set"}  # checked too, though not in SPECS
        merged = {**{k: v for k, v in extra.items() if k not in known}, **record}
        assert valid_record(stream, merged)


def test_absent_optional_fields_and_nulls_are_fine() -> None:
    ticket = {**GOOD["tickets"], "priority": None, "type": None, "assignee_id": None}
    ticket["metric_set"] = {"reply_time_in_minutes": {"calendar": None, "business": None}}
    assert valid_record("tickets", ticket)
    assert valid_record("tickets", GOOD["tickets"])  # no metric_set at all
    assert not valid_record("tickets", {**GOOD["tickets"], "assignee_id": "12"})
    assert not valid_record("tickets", {**GOOD["tickets"], "id": True})  # bool is not an id
    call = {**GOOD["calls"], "duration": "30"}
    assert valid_record("calls", call) and call["duration"] is None  # nulled, never coerced
