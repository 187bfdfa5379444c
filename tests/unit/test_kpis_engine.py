"""KpiEngine: following the cache by deltas gives exactly what a from-scratch compute gives.

Random data, random upsert sequences (newer and older versions, deletes, moved timestamps,
events after ``now``), ``now`` moving forward: after every step the engine's snapshot and
operations figures (typical day and projection included) equal ``compute_snapshot``'s on
the same frames, and the
engine did not rebuild (it really followed the deltas).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskwatch.kpis import KpiEngine, compute_snapshot
from deskwatch.kpis.agg import update_buckets
from deskwatch.kpis.filters import TicketFilter
from deskwatch.store import Cache
from deskwatch.store import cache as cache_module
from tests.unit.kpi_records import call, cfg, leg, rating, ticket, user

NOW = datetime(2026, 3, 29, 11, 0, tzinfo=UTC)  # DST day in Europe/Berlin
# two baseline weeks: the typical day reads 03-22 and 03-15 (the data reaches 16 days back)
CFG = cfg(account={"timezone": "Europe/Berlin"}, kpis={"window_days": 7}, baselines={"weeks": 2})
STATUSES = ["new", "open", "pending", "hold", "solved", "closed", "deleted"]
AGENTS = [11, 12, 13]
FILTERS = [
    None,
    TicketFilter(groups=frozenset({1})),
    TicketFilter(groups=frozenset({1, 2}), brands=frozenset({5}), channels=frozenset({"email"})),
    TicketFilter(channels=frozenset({"web", "unknown"})),
]
# minutes before NOW; negative: after NOW (later the same day, or tomorrow)
ages = st.integers(-14 * 60, 60 * 24 * 16)


def assert_same(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b and type(a) is type(b), (path, a, b)


@st.composite
def ticket_version(draw: st.DrawFn, tid: int, gen: int) -> dict[str, Any]:
    created = NOW - timedelta(minutes=draw(ages))
    solve = draw(st.none() | st.integers(1, 60 * 24 * 3))
    status = draw(st.sampled_from(STATUSES))
    return ticket(
        tid,
        created,
        status=status,
        gen=gen,
        solved_at=created + timedelta(minutes=solve) if solve else None,
        reply=draw(st.none() | st.integers(0, 900)),
        full_res=solve,
        assignee=draw(st.none() | st.sampled_from(AGENTS)),
        replies=draw(st.integers(0, 3)),
        reopens=draw(st.integers(0, 2)),
        priority=draw(st.none() | st.sampled_from(["urgent", "low"])),
        type_=draw(st.none() | st.sampled_from(["question", "incident"])),
        channel=draw(st.sampled_from(["email", "web", None])),
        tags=draw(st.sampled_from([[], ["escalated"], ["vip"]])),
        group=draw(st.none() | st.sampled_from([1, 2])),
        brand=draw(st.sampled_from([5, 6])),
    )


@st.composite
def batch(draw: st.DrawFn, gen: int) -> dict[str, list[dict[str, Any]]]:
    ids = draw(st.lists(st.integers(1, 30), max_size=12, unique=True))
    # an older generation sometimes: the stored (newer) version must win
    tickets = [draw(ticket_version(i, draw(st.sampled_from([gen, gen, 0])))) for i in ids]
    ratings = [
        rating(
            i,
            NOW - timedelta(minutes=draw(ages)),
            draw(st.sampled_from(["good", "bad", "offered"])),
            draw(st.sampled_from(AGENTS)),
        )
        for i in draw(st.lists(st.integers(1, 10), max_size=4, unique=True))
    ]
    calls = [
        call(
            i,
            NOW - timedelta(minutes=draw(ages)),
            status=draw(st.sampled_from(["completed", "abandoned_in_queue", "failed", None])),
            exceeded=draw(st.none() | st.booleans()),
            voicemail=draw(st.booleans()),
            agent=draw(st.none() | st.sampled_from(AGENTS)),
            talk=draw(st.none() | st.integers(0, 600)),
            wait=draw(st.none() | st.integers(0, 300)),
            quality=draw(st.sampled_from([["none"], ["silence"]])),
            updated=NOW + timedelta(seconds=gen),
        )
        for i in draw(st.lists(st.integers(1, 10), max_size=4, unique=True))
    ]
    legs = [
        leg(i, NOW - timedelta(minutes=draw(ages)), talk=draw(st.integers(0, 300)))
        for i in draw(st.lists(st.integers(1, 10), max_size=3, unique=True))
    ]
    return {"tickets": tickets, "ratings": ratings, "calls": calls, "legs": legs}


def ingest(c: Cache, records: dict[str, list[dict[str, Any]]]) -> None:
    for stream, rows in records.items():
        c.ingest(stream, rows)


def check(engine: KpiEngine, c: Cache, now: datetime) -> None:
    snap = engine.compute(now)
    fresh = compute_snapshot(c.frames, CFG, now, engine.filter)
    assert_same(snap.to_dict(), fresh.to_dict())
    assert snap.ops == fresh.ops


@settings(max_examples=60, deadline=None)
@given(
    first=batch(1),
    steps=st.lists(
        st.tuples(st.integers(2, 10**6), st.integers(0, 90)), min_size=1, max_size=4
    ).flatmap(lambda s: st.tuples(*(st.tuples(batch(g), st.just(m)) for g, m in s))),
    flt=st.sampled_from(FILTERS),
)
def test_deltas_match_a_compute_from_scratch(first, steps, flt) -> None:  # type: ignore[no-untyped-def]
    """Also through a ticket filter: tickets entering and leaving it move their ratings."""
    c = Cache()
    c.ingest("users", [user(a, f"Agent {a}") for a in AGENTS])
    ingest(c, first)
    engine = KpiEngine(CFG, flt)
    seen, changes = c.changes_since(None)
    engine.update(c.frames, changes)
    now = NOW
    check(engine, c, now)
    for records, minutes in steps:
        ingest(c, records)
        seen, changes = c.changes_since(seen)
        assert changes is not None
        engine.update(c.frames, changes)
        now += timedelta(minutes=minutes)  # still the same local day (NOW is 13:00 local)
        check(engine, c, now)
    assert engine.rebuilds == 1


def test_a_new_local_day_rebuilds() -> None:
    c = Cache()
    c.ingest("tickets", [ticket(1, NOW - timedelta(hours=2), assignee=11)])
    engine = KpiEngine(CFG)
    engine.update(c.frames, None)
    engine.compute(NOW)
    late = NOW + timedelta(hours=11)  # 00:00 local the next day
    c.ingest("tickets", [ticket(2, late - timedelta(minutes=5))])
    _, changes = c.changes_since(0)
    engine.update(c.frames, changes)
    snap = engine.compute(late)
    assert engine.rebuilds == 2
    assert snap.tickets.created.today == 0  # ticket 2 was created yesterday, locally
    assert snap.tickets.created.window == 2


def test_a_swapped_frame_or_lost_changes_rebuild() -> None:
    c = Cache()
    c.ingest("tickets", [ticket(1, NOW - timedelta(hours=2))])
    engine = KpiEngine(CFG)
    seen, _ = c.changes_since(None)
    engine.update(c.frames, None)
    engine.compute(NOW)
    c.replace_frame("tickets", Cache().frames.tickets)  # e.g. a reset stream
    seen, changes = c.changes_since(seen)
    engine.update(c.frames, changes)
    assert engine.compute(NOW).tickets.created.today == 0
    assert engine.rebuilds == 2
    engine.update(c.frames, None)  # the consumer fell behind the log
    engine.compute(NOW)
    assert engine.rebuilds == 3


def test_change_log_forgets_beyond_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "LOG_ROWS", 3)
    c = Cache()
    c.ingest("tickets", [ticket(1, NOW), ticket(2, NOW)])
    v1, _ = c.changes_since(None)
    c.ingest("tickets", [ticket(1, NOW, gen=2, status="solved")])
    v2, changes = c.changes_since(v1)
    assert changes is not None and len(changes) == 1
    (change,) = changes
    assert change.removed is not None and change.added is not None
    assert change.removed.get_column("status").to_list() == ["open"]
    assert change.added.get_column("status").to_list() == ["solved"]
    c.ingest("tickets", [ticket(3, NOW), ticket(4, NOW)])
    assert c.changes_since(v1)[1] is None  # the first change is forgotten
    assert c.changes_since(v2)[1] is not None


def test_the_consumer_that_follows_the_log_lets_it_forget() -> None:
    c = Cache()
    c.ingest("tickets", [ticket(1, NOW)])
    v1, changes = c.changes_since(None, forget=True)
    assert changes is None  # never seen: start over
    c.ingest("tickets", [ticket(1, NOW, gen=2, status="solved"), ticket(2, NOW)])
    v2, changes = c.changes_since(v1, forget=True)
    assert changes is not None and [x.added.height for x in changes if x.added is not None] == [2]
    assert c.changes_since(v2) == (v2, [])
    assert c.changes_since(v1)[1] is None  # handed over and forgotten
    c.ingest("tickets", [ticket(3, NOW)])
    v3, changes = c.changes_since(v2, forget=True)
    assert changes is not None and len(changes) == 1 and v3 > v2


@settings(max_examples=60, deadline=None)
@given(
    start=st.lists(st.integers(0, 20), max_size=30),
    picks=st.lists(st.booleans(), max_size=30),
    added=st.lists(st.integers(0, 20), max_size=10),
)
def test_buckets_stay_sorted_multisets(start, picks, added) -> None:  # type: ignore[no-untyped-def]
    gone = [v for v, p in zip(start, picks, strict=False) if p]
    buckets = {("d", 0): np.sort(np.array(start, dtype=float))}
    update_buckets(
        buckets, {("d", 0): np.array(gone, dtype=float)}, {("d", 0): np.array(added, dtype=float)}
    )
    expected = sorted(start)
    for v in gone:
        expected.remove(v)
    expected = sorted(expected + added)
    assert buckets.get(("d", 0), np.empty(0)).tolist() == expected


def test_removing_a_value_not_there_is_an_error() -> None:
    buckets = {("d", 0): np.array([1.0, 2.0])}
    with pytest.raises(ValueError, match="not in the bucket"):
        update_buckets(buckets, {("d", 0): np.array([3.0])}, {})


@settings(max_examples=30, deadline=None)
@given(records=batch(1), flt=st.sampled_from(FILTERS[1:]))
def test_a_filtered_snapshot_is_that_of_an_account_of_the_kept_tickets(records, flt) -> None:  # type: ignore[no-untyped-def]
    """KPIS.md: a filtered export equals the unfiltered export of an account holding only the
    kept tickets and their ratings (the second account built by filtering the first's records)."""
    c = Cache()
    c.ingest("users", [user(a, f"Agent {a}") for a in AGENTS])
    ingest(c, records)
    kept = {t["id"] for t in c.frames.tickets.filter(flt.tickets()).iter_rows(named=True)}
    only = Cache()
    only.ingest("users", [user(a, f"Agent {a}") for a in AGENTS])
    only.ingest("tickets", [t for t in records["tickets"] if t["id"] in kept])
    assert set(only.frames.tickets.get_column("id").to_list()) == kept
    only.ingest("ratings", [r for r in records["ratings"] if r["ticket_id"] in kept])
    only.ingest("calls", records["calls"])
    only.ingest("legs", records["legs"])
    filtered = compute_snapshot(c.frames, CFG, NOW, flt).to_dict()
    plain = compute_snapshot(only.frames, CFG, NOW).to_dict()
    assert filtered.pop("filters") == flt.to_json()
    assert plain.pop("filters") is None
    assert_same(filtered, plain)
