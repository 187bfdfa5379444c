"""Property tests of the upsert: idempotent and independent of arrival order and batching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from deskwatch.store import Cache
from tests.unit.kpi_records import ticket

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ["new", "open", "pending", "hold", "solved", "closed", "deleted"]

# Each version is (id, version number, status); version numbers are unique per id, so
# "newest" is well defined and independent of arrival order.
versions = st.lists(
    st.tuples(st.integers(1, 6), st.integers(0, 50), st.sampled_from(STATUSES)),
    max_size=30,
    unique_by=lambda v: (v[0], v[1]),
)


def records(vs: list[tuple[int, int, str]]) -> list[dict]:
    return [
        ticket(i, T0, status=s, updated=T0 + timedelta(minutes=v // 2), gen=v) for i, v, s in vs
    ]


def state(c: Cache) -> list[tuple]:
    return sorted(c.frames.tickets.select("id", "status", "generated_timestamp").rows())


def expected(vs: list[tuple[int, int, str]]) -> list[tuple]:
    best: dict[int, tuple[int, str]] = {}
    for i, v, s in vs:
        if i not in best or v > best[i][0]:
            best[i] = (v, s)
    return sorted((i, s, v) for i, (v, s) in best.items())


@settings(max_examples=40, deadline=None)
@given(versions, st.randoms(use_true_random=False), st.integers(1, 5))
def test_upsert_order_and_batching_independent(vs, rnd, batch) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(vs)
    rnd.shuffle(shuffled)
    c = Cache()
    recs = records(shuffled)
    for k in range(0, len(recs), batch):
        c.ingest("tickets", recs[k : k + batch])
    assert state(c) == expected(vs)


@settings(max_examples=30, deadline=None)
@given(versions)
def test_upsert_idempotent(vs) -> None:  # type: ignore[no-untyped-def]
    c = Cache()
    c.ingest("tickets", records(vs))
    once = state(c)
    c.ingest("tickets", records(vs))
    assert state(c) == once
    assert c.frames.tickets["id"].n_unique() == c.frames.tickets.height
