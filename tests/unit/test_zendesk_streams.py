"""Each stream's pager against the in-memory fake: paging, cursors, resume, de-duplication."""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest

from tests.unit.test_zendesk_fake import (
    BASE,
    EPOCH,
    FakeClock,
    FakeZendesk,
    collect,
    iso,
    make_client,
    make_config,
)
from tests.unit.test_zendesk_fake import ticket as make_ticket

DAY = 86400
HISTORY_START = int(EPOCH) - 90 * DAY  # default sync.history_days = 90


def tickets(n: int) -> list[dict]:
    return [make_ticket(i, HISTORY_START + 1000 * i) for i in range(1, n + 1)]


async def test_first_ticket_sync_pages_to_the_end_and_keeps_after_cursor() -> None:
    fake, clock = FakeZendesk(tickets=tickets(5), page=2), FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "tickets")
    assert [[r["id"] for r in b.records] for b in batches] == [[1, 2], [3, 4], [5]]
    assert [b.done for b in batches] == [False, False, True]
    first, later = fake.requests[0].url.params, [r.url.params for r in fake.requests[1:]]
    assert first["start_time"] == str(HISTORY_START)
    assert first["include"] == "metric_sets"
    assert first["per_page"] == "1000"
    assert all("start_time" not in q and q["include"] == "metric_sets" for q in later)
    assert [q["cursor"] for q in later] == ["2", "4"]
    # at end_of_stream the after_cursor is kept for the next poll
    assert json.loads(batches[-1].cursor)["after"] == "5"
    assert batches[0].records[0]["metric_set"]["reply_time_in_minutes"]["calendar"] == 5
    assert batches[0].records[0]["some_future_field"] == {"x": 1}  # raw record, untouched


async def test_resume_from_a_persisted_cursor_asks_only_for_the_rest() -> None:
    fake, clock = FakeZendesk(tickets=tickets(5), page=2), FakeClock()
    async with make_client(fake, clock) as client:
        first = await anext(client.fetch("tickets", None))
        n_before = len(fake.requests)
        rest = await collect(client, "tickets", first.cursor)
    assert [r["id"] for b in rest for r in b.records] == [3, 4, 5]
    assert fake.requests[n_before].url.params["cursor"] == "2"
    assert "start_time" not in fake.requests[n_before].url.params


async def test_poll_after_catch_up_uses_the_kept_cursor() -> None:
    fake, clock = FakeZendesk(tickets=tickets(3), page=10), FakeClock()
    async with make_client(fake, clock) as client:
        done = (await collect(client, "tickets"))[-1]
        fake.tickets.append(make_ticket(4, HISTORY_START + 9000))
        again = await collect(client, "tickets", done.cursor)
    assert [r["id"] for b in again for r in b.records] == [4]
    assert fake.requests[-1].url.params["cursor"] == "3"


async def test_ticket_progress_reports_records_pages_and_an_eta_from_timestamps() -> None:
    # 4 tickets spread over the 90-day history: after the first page (ticket 2 at 45 days)
    # the export's clock is half way from history start to now.
    half = HISTORY_START + 45 * DAY
    rows = [make_ticket(1, HISTORY_START + 10), make_ticket(2, half)]
    rows += [make_ticket(3, half + DAY), make_ticket(4, half + 2 * DAY)]
    fake, clock = FakeZendesk(tickets=rows, page=2), FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "tickets")
    p = batches[0].progress
    assert (p.records, p.pages) == (2, 1)
    assert abs(p.fraction - 0.5) < 1e-6
    # elapsed 0 s on the fake clock at the first page: ETA = 0 * (1 - f) / f
    assert p.eta_seconds == 0.0
    last = batches[-1].progress
    assert (last.records, last.pages, last.fraction) == (4, 2, 1.0)


def person(i: int, role: str) -> dict:
    return {"id": i, "name": f"U{i}", "role": role, "updated_at": iso(HISTORY_START + i)}


@pytest.mark.parametrize(("per_minute", "gap"), [(None, 60 / 10), (30, 60 / 30)])
async def test_export_pages_are_spaced_by_budget_exports_per_minute(
    per_minute: int | None, gap: float
) -> None:
    """The ticket export's pages leave at ``budget.exports_per_minute`` (10 by default)."""
    budget = {} if per_minute is None else {"budget": {"exports_per_minute": per_minute}}
    fake, clock = FakeZendesk(tickets=tickets(5), page=2), FakeClock()
    async with make_client(fake, clock, make_config(**budget)) as client:
        await collect(client, "tickets")
    assert len(fake.requests) == 3
    # the first page at once, each later one a bucket refill apart (a 3% margin under the rate)
    assert len(clock.sleeps) == 2
    assert all(gap < s <= gap / 0.97 + 1e-6 for s in clock.sleeps), clock.sleeps


async def test_users_come_from_the_role_filtered_list_until_has_more_is_false() -> None:
    roles = ["end-user", "agent", "admin", "end-user", "agent"]
    users = [person(i, r) for i, r in enumerate(roles, 1)]
    fake, clock = FakeZendesk(users=users, page=2), FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "users")
    # agents 2, 5 and admin 3: pages [2, 3] (has_more) and [5] (has_more false, links.next
    # still set by the fake): two requests, then stop
    assert [[u["id"] for u in b.records] for b in batches] == [[2, 3], [5]]
    assert [b.done for b in batches] == [False, True]
    assert all(b.cursor is None for b in batches)  # a snapshot stream
    assert fake.paths() == ["/api/v2/users.json"] * 2  # never the incremental export
    first, second = (r.url.params for r in fake.requests)
    assert first.get_list("role[]") == ["agent", "admin"] and first["page[size]"] == "100"
    assert "page[after]" not in first
    assert second["page[after]"] == "2" and second.get_list("role[]") == ["agent", "admin"]
    # the list counts against the account budget only: no wait for the 10/min export bucket
    assert clock.sleeps == []


async def test_users_list_leaves_out_end_users_a_server_did_not_filter() -> None:
    import httpx

    page = {
        "users": [person(1, "end-user"), person(2, "agent")],
        "meta": {"has_more": False, "after_cursor": "x", "before_cursor": "y"},
        "links": {"prev": None, "next": f"{BASE}/api/v2/users.json?page%5Bafter%5D=x"},
    }
    fake = FakeZendesk(script={"/api/v2/users.json": [httpx.Response(200, json=page)]})
    async with make_client(fake, FakeClock()) as client:
        batches = await collect(client, "users")
    assert [[u["id"] for u in b.records] for b in batches] == [[2]]
    assert len(fake.requests) == 1 and batches[0].done


async def test_groups_loop_on_has_more_not_links_next() -> None:
    groups = [{"id": i, "name": f"G{i}"} for i in range(1, 6)]
    fake, clock = FakeZendesk(groups=groups, page=2), FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "groups")
    assert [g["id"] for b in batches for g in b.records] == [1, 2, 3, 4, 5]
    assert len(fake.requests) == 3  # links.next is always set by the fake: ignored
    assert all(b.cursor is None for b in batches) and batches[-1].done
    assert fake.requests[0].url.params["page[size]"] == "100"


async def test_ratings_next_poll_starts_at_newest_updated_at_minus_overlap() -> None:
    newest = HISTORY_START + 50 * DAY
    ratings = [
        {"id": 1, "score": "good", "created_at": iso(newest - 99), "updated_at": iso(newest - 99)},
        {"id": 2, "score": "bad", "created_at": iso(newest - 50), "updated_at": iso(newest)},
    ]
    fake, clock = FakeZendesk(ratings=ratings, page=1), FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "ratings")
        assert fake.requests[0].url.params["start_time"] == str(HISTORY_START)
        # mid-poll the cursor keeps the poll's own start
        assert json.loads(batches[0].cursor) == {"start": HISTORY_START, "swept": 0}
        assert json.loads(batches[-1].cursor) == {"start": newest - 3600, "swept": int(EPOCH)}
        # the rating changes (offered -> good) later: the next poll picks it up
        ratings[1] = {**ratings[1], "score": "good", "updated_at": iso(newest + 600)}
        again = await collect(client, "ratings", batches[-1].cursor)
    assert fake.requests[-1].url.params["start_time"] == str(newest - 3600)
    # rating 1 (99 s before the newest) is inside the one-hour overlap, so it is read again
    assert [(r["id"], r["score"]) for b in again for r in b.records] == [(1, "good"), (2, "good")]


async def test_ratings_sweep_catches_answers_when_the_server_filters_on_created_at() -> None:
    offered_at = HISTORY_START + 80 * DAY
    old = {
        "id": 1,
        "score": "offered",
        "created_at": iso(offered_at),
        "updated_at": iso(offered_at),
    }
    mid = {**old, "id": 3, "created_at": iso(offered_at + DAY), "updated_at": iso(offered_at + DAY)}
    fake = FakeZendesk(ratings=[old, mid], page=100, ratings_field="created_at")
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        cursor = (await collect(client, "ratings"))[-1].cursor
        # two days later the customer answers: created_at stays, updated_at moves
        answered = offered_at + 2 * DAY
        fake.ratings[0] = {**old, "score": "good", "updated_at": iso(answered)}
        fake.ratings.append(
            {"id": 2, "score": "offered", "created_at": iso(answered), "updated_at": iso(answered)}
        )
        regular = await collect(client, "ratings", cursor)
        clock.now += 900  # a sweep is due
        sweep = await collect(client, "ratings", regular[-1].cursor)
    # filtered on created_at, the regular poll misses rating 1's answer
    assert [r["id"] for b in regular for r in b.records] == [3, 2]
    starts = [int(r.url.params["start_time"]) for r in fake.requests]
    assert starts[1] == offered_at + DAY - 3600
    assert starts[2] == answered - 3600 - 7 * DAY  # seven days before the regular start
    got = [(r["id"], r["score"]) for b in sweep for r in b.records]
    assert got == [(1, "good"), (3, "offered"), (2, "offered")]
    assert json.loads(sweep[-1].cursor) == {"start": answered - 3600, "swept": int(EPOCH) + 900}


def call(i: int, updated: int) -> dict:
    return {"id": i, "created_at": iso(updated - 60), "updated_at": iso(updated), "duration": 30}


async def test_calls_time_export_goes_on_past_each_page_end_until_an_empty_page() -> None:
    t0 = HISTORY_START + 10
    rows = [call(1, t0), call(2, t0 + 5), call(3, t0 + 9)]
    fake, clock = FakeZendesk(calls=rows, page=2), FakeClock()
    async with make_client(fake, clock, page_size=2) as client:
        batches = await collect(client, "calls")
    # [1,2] end t0+5 -> from t0+6: [3] end t0+9, a short page, yet not "caught up" -> from
    # t0+10: nothing: caught up, cursor t0+10 (every call stamped t0+9 came in its page)
    assert [[r["id"] for r in b.records] for b in batches] == [[1, 2], [3], []]
    assert [b.done for b in batches] == [False, False, True]
    starts = [int(r.url.params["start_time"]) for r in fake.requests]
    assert starts == [HISTORY_START, t0 + 6, t0 + 10]
    assert json.loads(batches[-1].cursor) == {"start": t0 + 10}


@pytest.mark.parametrize("page", [1, 2, 3, 7, 1000])
async def test_no_call_is_lost_whatever_the_page_size(page: int) -> None:
    # distinct timestamps, some a second apart: a short page never means "caught up"
    stamps = [HISTORY_START + 10 + s for s in (0, 1, 2, 50, 51, 400, 401, 402, 9000, 9001)]
    fake = FakeZendesk(calls=[call(i, t) for i, t in enumerate(stamps, 1)], page=page)
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "calls")
    ids = [r["id"] for b in batches for r in b.records]
    assert sorted(ids) == list(range(1, 11))  # every call, each once
    assert len(fake.requests) <= -(-len(stamps) // page) + 1  # one per page plus the last
    assert json.loads(batches[-1].cursor) == {"start": stamps[-1] + 1}


class LiveCalls(FakeZendesk):
    """A live account: 6 s pass before each request (the Talk export limit) and three new
    calls arrive just before the minute the export leaves out; Date is the server's clock."""

    clock: FakeClock | None = None

    def route(self, request):  # type: ignore[no-untyped-def]
        assert self.clock is not None
        if request.url.path.endswith("/incremental/calls.json"):
            self.clock.now += 6
            now = int(self.clock.wall())
            for k in (62, 61, 60):
                self.calls.append(call(len(self.calls) + 1, now - k))
            self.headers = {"Date": formatdate(now, usegmt=True)}
            start = int(request.url.params["start_time"])
            visible = [c for c in self.calls if _epoch_of(c) <= now - 60]
            page = sorted((c for c in visible if _epoch_of(c) >= start), key=_epoch_of)[: self.page]
            end = _epoch_of(page[-1]) if page else start
            return {"calls": page, "count": len(page), "end_time": end, "next_page": "x"}
        return super().route(request)


def _epoch_of(row: dict) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(row["updated_at"]).timestamp())


async def test_a_live_talk_export_ends_at_the_edge_it_could_see_when_it_began() -> None:
    fake, clock = LiveCalls(page=1000), FakeClock()
    fake.clock = clock
    async with make_client(fake, clock) as client:
        first = await collect(client, "calls")
        again = await collect(client, "calls", first[-1].cursor)
    # each fetch: one page reaching the edge (the first answer's Date minus the minute the
    # export leaves out): done, although next_page is set and more calls keep coming
    assert len(fake.requests) == 2
    assert [len(b) for b in (first, again)] == [1, 1] and first[0].done and again[0].done
    assert [r["id"] for r in first[0].records] == [1, 2, 3]
    assert [r["id"] for r in again[0].records] == [4, 5, 6]
    assert int(fake.requests[1].url.params["start_time"]) == _epoch_of(fake.calls[2]) + 1
    assert json.loads(again[0].cursor) == {"start": _epoch_of(fake.calls[5]) + 1}


async def test_a_busy_live_talk_export_with_small_pages_still_ends() -> None:
    # pages of 2 while 3 calls arrive per request: the fetch cannot catch up with the present,
    # it ends once it has passed the edge of its first request and keeps the rest for later
    fake, clock = LiveCalls(page=2), FakeClock()
    fake.clock = clock
    async with make_client(fake, clock) as client:
        batches = await collect(client, "calls")
        first_requests = len(fake.requests)
        rest = await collect(client, "calls", batches[-1].cursor)
    assert batches[-1].done and first_requests <= 5
    got = {r["id"] for b in batches + rest for r in b.records}
    assert got >= {1, 2, 3, 4, 5, 6}  # what existed meanwhile, nothing skipped
    assert sorted(got) == list(range(1, max(got) + 1))


async def test_calls_keep_the_newest_version_of_a_duplicate_in_one_page() -> None:
    t0 = HISTORY_START + 10
    fake, clock = FakeZendesk(calls=[call(1, t0), call(1, t0 + 3), call(2, t0 + 4)]), FakeClock()
    fake.page = 10
    async with make_client(fake, clock) as client:
        batches = await collect(client, "calls")
    got = {r["id"]: r["updated_at"] for b in batches for r in b.records}
    assert got == {1: iso(t0 + 3), 2: iso(t0 + 4)}


async def test_too_recent_start_time_means_no_new_data_and_keeps_the_cursor() -> None:
    import httpx

    body = {"error": "InvalidValue", "description": "Too recent start_time. Use at least 60s"}
    fake = FakeZendesk(script={"/incremental/legs.json": [httpx.Response(422, json=body)]})
    clock = FakeClock()
    cursor = json.dumps({"start": int(EPOCH) - 10})
    async with make_client(fake, clock) as client:
        batches = await collect(client, "legs", cursor)
    assert len(batches) == 1 and batches[0].done and batches[0].records == []
    assert json.loads(batches[0].cursor) == {"start": int(EPOCH) - 10}
    assert len(fake.requests) == 1


async def test_queue_is_one_record_and_agents_activity_follows_next_page() -> None:
    fake, clock = FakeZendesk(), FakeClock()
    async with make_client(fake, clock) as client:
        queue = await collect(client, "queue")
        agents = await collect(client, "agents_activity")
    assert [b.records for b in queue] == [[{"agents_online": 3, "calls_waiting": 1}]]
    assert queue[0].done and queue[0].cursor is None
    assert [r["agent_id"] for b in agents for r in b.records] == [1, 2]
    assert agents[-1].done


async def test_talk_off_makes_no_talk_requests() -> None:
    fake, clock = FakeZendesk(calls=[call(1, HISTORY_START + 5)]), FakeClock()
    cfg = make_config(talk={"enabled": False})
    async with make_client(fake, clock, cfg) as client:
        for stream in ("calls", "legs", "queue", "agents_activity"):
            batches = await collect(client, stream, None)
            assert len(batches) == 1 and batches[0].done and batches[0].records == []
    assert fake.requests == []


async def test_records_with_wrong_types_are_skipped_and_counted() -> None:
    rows = tickets(3)
    rows[1] = {**rows[1], "id": "2"}  # id not an int
    rows.append({**make_ticket(9, HISTORY_START + 9999), "created_at": "yesterday"})
    rows.append({**make_ticket(10, HISTORY_START + 99999), "metric_set": {"replies": "3"}})
    fake, clock = FakeZendesk(tickets=rows, page=10), FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "tickets")
        status = client.status
    # a bad count is nulled (KPIS.md leaves a null out of its figure); bad keys skip the record
    assert [r["id"] for b in batches for r in b.records] == [1, 3, 10]
    assert batches[-1].records[-1]["metric_set"]["replies"] is None
    assert (status.skipped, status.nulled) == (2, 1)
    assert status.rejects is not None and "tickets id: not an integer id ×1" in status.rejects


async def test_a_list_whose_cursor_comes_back_is_an_error_not_a_cut_list() -> None:
    import httpx

    from deskwatch.zendesk.errors import UnavailableError

    page = {
        "groups": [{"id": 1, "name": "G1"}],
        "meta": {"has_more": True, "after_cursor": "same", "before_cursor": None},
    }
    fake = FakeZendesk(script={"/groups.json": [httpx.Response(200, json=page)] * 3})
    async with make_client(fake, FakeClock()) as client:
        with pytest.raises(UnavailableError, match="did not advance"):
            await collect(client, "groups")
    assert len(fake.requests) == 2


async def test_agents_activity_next_page_loop_is_an_error() -> None:
    import httpx

    from deskwatch.zendesk.errors import UnavailableError

    loop = f"{BASE}/api/v2/channels/voice/stats/agents_activity.json"
    page = {"agents_activity": [{"agent_id": 1, "name": "A"}], "next_page": loop}
    fake = FakeZendesk(script={"/agents_activity.json": [httpx.Response(200, json=page)] * 3})
    async with make_client(fake, FakeClock()) as client:
        with pytest.raises(UnavailableError, match="did not advance"):
            await collect(client, "agents_activity")


async def test_a_ticket_export_that_does_not_advance_is_an_error() -> None:
    import httpx

    from deskwatch.zendesk.errors import UnavailableError

    page = {"tickets": [], "after_cursor": "c1", "end_of_stream": False}
    fake = FakeZendesk(script={"/tickets/cursor.json": [httpx.Response(200, json=page)] * 3})
    async with make_client(fake, FakeClock()) as client:
        with pytest.raises(UnavailableError, match="did not advance"):
            await collect(client, "tickets", json.dumps({"after": "c1", "start": 0, "t": 0}))
