"""Ticket, CSAT and agent KPIs on hand-built data; every expected value is worked out by hand.

Account zone Europe/Berlin; the 10-day window (2026-10-25 .. 2026-11-03) crosses the end of
summer time (2026-10-25 03:00 CEST -> 02:00 CET), so 2026-10-25 is a 25-hour local day that
starts at 2026-10-24T22:00Z and ends at 2026-10-25T23:00Z. now = 2026-11-03 10:00 CET = 09:00Z.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deskwatch.kpis import compute_snapshot
from deskwatch.store import Cache
from tests.unit.kpi_records import cfg, rating, ticket, user


def U(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NOW = datetime.fromisoformat("2026-11-03T10:00:00+01:00")
CFG = cfg(account={"timezone": "Europe/Berlin"}, kpis={"window_days": 10})
WINDOW_DATES = [f"2026-10-{d}" for d in range(25, 32)] + [f"2026-11-0{d}" for d in (1, 2, 3)]


def build() -> Cache:
    c = Cache()
    t7_new = ticket(
        7,
        U("2026-11-03T08:00"),
        status="closed",
        updated=U("2026-11-03T08:30"),
        solved_at=U("2026-11-03T08:20"),
        replies=1,
        full_res=20,
        reply=5,
        assignee=7,
        channel="chat",
        type_="question",
    )
    t7_old = ticket(7, U("2026-11-03T08:00"), status="open", updated=U("2026-11-03T08:00"))
    c.ingest(
        "tickets",
        [
            # T1: created before the window (local 23:30 on 10-24); first reply exactly at the
            # window start (local 00:00 10-25); solved 00:30Z = 02:30 CEST on 10-25.
            ticket(
                1,
                U("2026-10-24T21:30"),
                status="solved",
                solved_at=U("2026-10-25T00:30"),
                reply=30,
                full_res=60,
                replies=1,
                assignee=7,
            ),
            # T2: 22:30Z on 10-25 is 23:30 CET, still local 10-25 (not 10-26 as +02:00 would say)
            ticket(
                2,
                U("2026-10-25T22:30"),
                status="open",
                priority="urgent",
                type_="incident",
                channel="web",
            ),
            ticket(
                3,
                U("2026-11-02T08:00"),
                status="pending",
                assignee=7,
                reply=120,
                tags=["escalated", "vip"],
                reopens=1,
                type_="question",
            ),
            ticket(
                4,
                U("2026-11-02T10:30"),
                status="solved",
                solved_at=U("2026-11-03T08:00"),
                replies=2,
                full_res=1290,
                reply=10,
                assignee=8,
                channel=None,
            ),
            ticket(5, U("2026-11-03T07:00"), status="new", type_="task"),
            ticket(6, U("2026-11-03T07:30"), status="deleted", reply=5, assignee=7),
            t7_new,
            # T8: status solved but metric_set has no solved_at: not a "solved ticket"
            ticket(
                8, U("2026-10-30T10:00"), status="solved", channel="sample_ticket", type_="problem"
            ),
        ],
    )
    c.ingest("tickets", [t7_old])  # an older version arriving late never wins
    c.ingest(
        "users",
        [
            user(7, "Ann"),
            user(8, "Bob", "admin"),
            user(9, "Cid"),
            user(10, "Eve", "end-user"),
            user(12, "Gus"),
            user(11, "Dan"),
        ],
    )
    c.ingest(
        "ratings",
        [
            rating(1, U("2026-11-03T08:00"), "good", 7),
            rating(2, U("2026-11-01T12:00"), "bad", 7),
            rating(3, U("2026-10-20T12:00"), "good", 8),  # before the window
            rating(4, U("2026-11-02T12:00"), "offered", 9),  # not good/bad
            rating(5, U("2026-10-25T10:00"), "good", 9),
            rating(6, U("2026-11-03T09:30"), "good", 8),  # after now
        ],
    )
    c.ingest("ratings", [rating(2, U("2026-11-01T10:00"), "good", 7)])  # stale version
    return c


@pytest.fixture(scope="module")
def snap():  # type: ignore[no-untyped-def]
    return compute_snapshot(build().frames, CFG, NOW).to_dict()


def test_header(snap) -> None:
    assert snap["schema"] == "deskwatch.kpis/2"
    assert snap["filters"] is None
    assert snap["now"] == "2026-11-03T10:00:00+01:00"
    assert snap["timezone"] == "Europe/Berlin"
    assert snap["time_basis"] == "calendar"
    assert snap["window"] == {"days": 10, "start": "2026-10-25", "end": "2026-11-03"}


def test_current_counts(snap) -> None:
    t = snap["tickets"]
    assert t["status"] == {"new": 1, "open": 1, "pending": 1, "hold": 0, "solved": 3, "closed": 1}
    assert (t["unsolved"], t["unassigned"], t["escalated"]) == (3, 2, 2)


def test_created_and_solved(snap) -> None:
    t = snap["tickets"]
    assert t["created"] == {"today": 2, "yesterday_same_time": 1, "window": 6}
    assert t["solved"] == {"today": 2, "yesterday_same_time": 0, "window": 3}


def test_first_reply_stats(snap) -> None:
    fr = snap["tickets"]["first_reply_minutes"]
    assert fr["today"] == {"count": 1, "mean": 5, "median": 5, "p90": 5}
    assert fr["yesterday"] == pytest.approx({"count": 2, "mean": 65, "median": 65, "p90": 109})
    assert fr["month_to_date"] == pytest.approx({"count": 3, "mean": 45, "median": 10, "p90": 98})
    assert fr["window"] == pytest.approx({"count": 4, "mean": 41.25, "median": 20, "p90": 93})
    daily = {d["date"]: d for d in fr["daily"]}
    assert [d["date"] for d in fr["daily"]] == WINDOW_DATES
    assert daily["2026-10-25"] == {
        "date": "2026-10-25",
        "count": 1,
        "mean": 30,
        "median": 30,
        "p90": 30,
    }
    assert daily["2026-11-02"]["count"] == 2
    assert daily["2026-10-26"] == {
        "date": "2026-10-26",
        "count": 0,
        "mean": None,
        "median": None,
        "p90": None,
    }


def test_full_resolution_stats(snap) -> None:
    res = snap["tickets"]["full_resolution_minutes"]
    assert res["today"] == pytest.approx({"count": 2, "mean": 655, "median": 655, "p90": 1163})
    assert res["yesterday"] == {"count": 0, "mean": None, "median": None, "p90": None}
    assert res["window"] == pytest.approx({"count": 3, "mean": 1370 / 3, "median": 60, "p90": 1044})
    assert [d["count"] for d in res["daily"]] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 2]


def test_rates_and_breakdowns(snap) -> None:
    t = snap["tickets"]
    assert t["reopened"] == {"count": 1, "of_created": 6, "rate": pytest.approx(1 / 6)}
    assert t["one_touch"] == {"count": 2, "of_solved": 3, "rate": pytest.approx(2 / 3)}
    assert t["by_type"] == {"question": 2, "incident": 1, "problem": 1, "task": 1, "none": 1}
    assert t["by_channel"] == {"email": 2, "web": 1, "unknown": 1, "chat": 1, "sample_ticket": 1}


def test_backlog_daily_across_dst(snap) -> None:
    backlog = snap["tickets"]["backlog_daily"]
    assert [b["date"] for b in backlog] == WINDOW_DATES
    assert [b["unsolved"] for b in backlog] == [1, 1, 1, 1, 1, 2, 2, 2, 4, 4]


def test_csat(snap) -> None:
    c = snap["csat"]
    assert (c["good"], c["bad"], c["score"]) == (2, 1, pytest.approx(2 / 3))
    assert c["today"] == {"good": 1, "bad": 0, "score": 1.0}
    daily = {d["date"]: d for d in c["daily"]}
    assert daily["2026-10-25"] == {"date": "2026-10-25", "good": 1, "bad": 0, "score": 1.0}
    assert daily["2026-11-01"] == {"date": "2026-11-01", "good": 0, "bad": 1, "score": 0.0}
    assert daily["2026-10-28"] == {"date": "2026-10-28", "good": 0, "bad": 0, "score": None}


def test_agents(snap) -> None:
    agents = snap["agents"]
    assert [a["agent_id"] for a in agents] == [7, 8, 9, 11, 12]
    ann, bob, cid, dan, _ = agents
    assert ann == {
        "agent_id": 7,
        "name": "Ann",
        "solved": 2,
        "first_reply_minutes_median": 30,
        "full_resolution_minutes_mean": 40,
        "csat_good": 1,
        "csat_bad": 1,
        "csat_score": 0.5,
        "one_touch_rate": 1.0,
        "calls_accepted": 0,
        "talk_time_seconds_mean": None,
    }
    assert (bob["solved"], bob["first_reply_minutes_median"], bob["one_touch_rate"]) == (1, 10, 0)
    assert bob["full_resolution_minutes_mean"] == 1290
    assert (bob["csat_good"], bob["csat_bad"], bob["csat_score"]) == (0, 0, None)
    assert (cid["solved"], cid["csat_score"], cid["one_touch_rate"]) == (0, 1.0, None)
    assert (dan["solved"], dan["csat_score"], dan["first_reply_minutes_median"]) == (0, None, None)


def test_business_basis_uses_business_values() -> None:
    c = Cache()
    c.ingest(
        "tickets",
        [
            # calendar set, business null: the chosen value is null -> left out
            ticket(1, U("2026-11-03T01:00"), reply=50, reply_business=None),
            ticket(2, U("2026-11-03T02:00"), reply=40, reply_business=7),
            # calendar null: no first reply at all, even with a business value
            ticket(3, U("2026-11-03T03:00"), reply=None, reply_business=9),
        ],
    )
    biz = cfg(account={"timezone": "Europe/Berlin"}, kpis={"time_basis": "business"})
    fr = compute_snapshot(c.frames, biz, NOW).to_dict()["tickets"]["first_reply_minutes"]["today"]
    assert dict(fr) == {"count": 1, "mean": 7, "median": 7, "p90": 7}


def test_missing_metric_set_and_empty_cache() -> None:
    c = Cache()
    c.ingest("tickets", [ticket(1, U("2026-11-03T01:00"), metric_set=False)])
    s = compute_snapshot(c.frames, CFG, NOW).to_dict()
    assert s["tickets"]["created"]["today"] == 1
    assert s["tickets"]["first_reply_minutes"]["today"]["count"] == 0
    empty = compute_snapshot(Cache().frames, CFG, NOW).to_dict()
    assert empty["tickets"]["reopened"] == {"count": 0, "of_created": 0, "rate": None}
    assert empty["csat"]["score"] is None
    assert empty["agents"] == []


def test_cost_per_ticket() -> None:
    """November in Berlin: 2026-10-31T23:00Z .. 2026-11-30T23:00Z, 720 h; now 09:00Z on the
    3rd is 58 h in. Solved month to date: T7 (11-03 08:20Z) and T4 (11-03 08:00Z); T1 was
    solved in October. 3,000 a month -> 3000 * 58 / 720 / 2 = 120.83."""
    frames = build().frames
    costed = cfg(
        account={"timezone": "Europe/Berlin"},
        kpis={"window_days": 10},
        cost={"monthly_support_cost": 3000},
    )
    snap = compute_snapshot(frames, costed, NOW)
    assert snap.tickets.cost_per_ticket == pytest.approx(3000 * 58 / 720 / 2)
    assert snap.to_dict()["tickets"]["cost_per_ticket"] == pytest.approx(120.8333333)
    # not configured: null; configured but nothing solved this month: null
    assert compute_snapshot(frames, CFG, NOW).tickets.cost_per_ticket is None
    early = datetime.fromisoformat("2026-11-01T00:30:00+01:00")
    assert compute_snapshot(frames, costed, early).tickets.cost_per_ticket is None
