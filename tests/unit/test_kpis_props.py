"""Property tests over random ticket/rating/call sets: invariants that hold for any data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from deskwatch.kpis import compute_snapshot
from deskwatch.store import Cache
from tests.unit.kpi_records import call, cfg, rating, ticket

NOW = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # DST day in Europe/Berlin
CFG = cfg(account={"timezone": "Europe/Berlin"}, kpis={"window_days": 7})
STATUSES = ["new", "open", "pending", "hold", "solved", "closed", "deleted"]

minutes = st.integers(0, 60 * 24 * 12)
tickets = st.lists(
    st.builds(
        lambda i, age, status, solve, reply, assignee, replies, reopens, prio, tags: ticket(
            i,
            NOW - timedelta(minutes=age),
            status=status,
            solved_at=NOW - timedelta(minutes=age) + timedelta(minutes=solve) if solve else None,
            reply=reply,
            full_res=solve,
            assignee=assignee,
            replies=replies,
            reopens=reopens,
            priority=prio,
            tags=tags,
        ),
        st.integers(1, 10_000),
        minutes,
        st.sampled_from(STATUSES),
        st.none() | st.integers(1, 60 * 24 * 3),
        st.none() | st.integers(0, 600),
        st.none() | st.sampled_from([1, 2]),
        st.integers(0, 3),
        st.integers(0, 2),
        st.none() | st.sampled_from(["urgent", "low"]),
        st.sampled_from([[], ["escalated"], ["vip"]]),
    ),
    max_size=40,
    unique_by=lambda t: t["id"],
)
ratings = st.lists(
    st.builds(
        lambda i, age, score: rating(i, NOW - timedelta(minutes=age), score, 1),
        st.integers(1, 1000),
        minutes,
        st.sampled_from(["good", "bad", "offered"]),
    ),
    max_size=20,
    unique_by=lambda r: r["id"],
)
calls = st.lists(
    st.builds(
        lambda i, age, status, exceeded, vm, quality: call(
            i,
            NOW - timedelta(minutes=age),
            status=status,
            exceeded=exceeded,
            voicemail=vm,
            agent=1,
            talk=10,
            quality=quality,
        ),
        st.integers(1, 1000),
        minutes,
        st.sampled_from(["completed", "abandoned_in_queue", "failed", None]),
        st.none() | st.booleans(),
        st.booleans(),
        st.sampled_from([["none"], ["silence"], []]),
    ),
    max_size=20,
    unique_by=lambda c: c["id"],
)


def rates(value: object, path: str = "") -> list[tuple[str, float]]:
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("rate", "score", "csat_score", "one_touch_rate") and v is not None:
                found.append((f"{path}.{k}", v))
            found += rates(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += rates(v, f"{path}[{i}]")
    return found


@settings(max_examples=40, deadline=None)
@given(tickets, ratings, calls)
def test_invariants(ts, rs, cs) -> None:  # type: ignore[no-untyped-def]
    c = Cache()
    c.ingest("tickets", ts)
    c.ingest("ratings", rs)
    c.ingest("calls", cs)
    c.ingest("users", [{"id": 1, "name": "A", "role": "agent"}])
    snap = compute_snapshot(c.frames, CFG, NOW).to_dict()
    t = snap["tickets"]
    live = [x for x in ts if x["status"] != "deleted"]
    assert sum(t["status"].values()) == len(live)
    assert t["unsolved"] >= t["unassigned"] >= 0
    assert t["unsolved"] >= t["escalated"] >= 0
    for where, value in rates(snap):
        assert 0.0 <= value <= 1.0, where
    assert len(t["backlog_daily"]) == 7 and all(b["unsolved"] >= 0 for b in t["backlog_daily"])
    assert sum(t["by_type"].values()) == t["created"]["window"] == sum(t["by_channel"].values())
    for stats in (t["first_reply_minutes"]["window"], t["full_resolution_minutes"]["window"]):
        if stats["count"]:
            assert stats["median"] <= stats["p90"]
    talk = snap["talk"]
    assert (
        talk["answered"]["window"] + sum(talk["unsuccessful"]["window"].values())
        == (talk["inbound"]["window"])
    )
