"""Talk KPIs on hand-built calls and legs: outcomes in every rule order, efficiency, quality.

Zone UTC, 7-day window 2026-03-04 .. 2026-03-10, now = 2026-03-10T12:00Z.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deskwatch.kpis import compute_snapshot
from deskwatch.store import Cache
from deskwatch.store.schema import build_frame
from tests.unit.kpi_records import call, cfg, leg, user

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CFG = cfg(kpis={"window_days": 7})


def T(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


CALLS = [
    call(1, T(10, 1), exceeded=True, voicemail=True, status="completed"),  # rule 1 over 2, 3
    call(2, T(10, 2), exceeded=False, voicemail=True, status="completed"),  # rule 2 over 3
    call(
        3,
        T(10, 3),
        exceeded=None,
        status="completed",
        agent=5,
        talk=100,
        tta=10,
        hold=4,
        wrap=20,
        wait=12,
    ),
    call(4, T(10, 4), status="abandoned_in_queue", wait=30),
    call(5, T(10, 5), exceeded=True, status="abandoned_in_ivr"),  # rule 1 over 4
    call(6, T(10, 6), status="failed"),
    call(7, T(10, 7), status=None),
    call(8, T(10, 8), direction="outbound", status="completed", quality=["silence"]),
    call(
        9,
        T(9, 8),
        status="completed",
        agent=5,
        talk=300,
        tta=20,
        wrap=40,
        wait=18,
        quality=["high_latency", "none"],
    ),
    call(10, T(10, 9), status="completed", agent=6, talk=50, tta=30),
    call(11, T(10, 10), status="completed", agent=0, talk=10),
    call(12, T(10, 11), status="completed", agent=None, talk=20),
    call(13, T(1, 11), status="completed", agent=6, talk=999),  # before the window
    call(14, T(10, 11), voicemail=True, status="abandoned_in_voicemail"),  # rule 2 over 4
    call(15, T(10, 13), status="completed", agent=6, talk=999),  # after now
]


def test_outcome_rule_order() -> None:
    frame = build_frame("calls", CALLS)
    outcome = dict(zip(frame["id"].to_list(), frame["outcome"].to_list(), strict=True))
    assert outcome[1] == "exceeded_wait"
    assert outcome[2] == "voicemail"
    assert outcome[3] == "answered"
    assert outcome[4] == "abandoned"
    assert outcome[5] == "exceeded_wait"
    assert outcome[6] == "not_answered"
    assert outcome[7] == "not_answered"
    assert outcome[8] is None  # outbound: no outcome
    assert outcome[14] == "voicemail"


@pytest.fixture(scope="module")
def talk():  # type: ignore[no-untyped-def]
    c = Cache()
    c.ingest("calls", CALLS)
    c.ingest(
        "legs",
        [
            leg(1, T(10, 1), talk=60),
            leg(2, T(10, 2), talk=0),  # talk_time 0: left out
            leg(3, T(10, 3), type_="customer", talk=100),  # not an agent leg
            leg(4, T(9, 3), talk=120),
        ],
    )
    c.ingest("users", [user(5, "Fay")])
    c.ingest(
        "queue",
        [
            {
                "agents_online": 3,
                "calls_waiting": 1,
                "callbacks_waiting": 0,
                "embeddable_callbacks_waiting": 0,
                "average_wait_time": 12,
                "longest_wait_time": 40,
            }
        ],
    )
    return compute_snapshot(c.frames, CFG, NOW).to_dict()["talk"]


def test_counts(talk) -> None:
    assert talk["inbound"] == {"today": 11, "window": 12}
    assert talk["answered"] == {"today": 4, "window": 5}
    out = {"exceeded_wait": 2, "voicemail": 2, "abandoned": 1, "not_answered": 2}
    assert talk["unsuccessful"]["today"] == out
    assert talk["unsuccessful"]["window"] == out
    daily = talk["unsuccessful"]["daily"]
    assert len(daily) == 7 and daily[0]["date"] == "2026-03-04"
    assert daily[-1] == {"date": "2026-03-10", **out}
    assert daily[-2] == {
        "date": "2026-03-09",
        "exceeded_wait": 0,
        "voicemail": 0,
        "abandoned": 0,
        "not_answered": 0,
    }


def test_efficiency(talk) -> None:
    assert talk["efficiency"]["today"] == pytest.approx(
        {
            "time_to_answer_seconds_mean": 20,
            "talk_time_seconds_mean": 45,
            "hold_time_seconds_mean": 4,
            "wrap_up_time_seconds_mean": 20,
            "wait_time_seconds_mean": 21,
            "leg_talk_time_seconds_mean": 60,
        }
    )
    assert talk["efficiency"]["window"] == pytest.approx(
        {
            "time_to_answer_seconds_mean": 20,
            "talk_time_seconds_mean": 96,
            "hold_time_seconds_mean": 4,
            "wrap_up_time_seconds_mean": 30,
            "wait_time_seconds_mean": 20,
            "leg_talk_time_seconds_mean": 90,
        }
    )


def test_top_agents_queue_quality(talk) -> None:
    assert talk["top_agents"] == [
        {
            "agent_id": 5,
            "name": "Fay",
            "calls_accepted": 2,
            "talk_time_seconds_total": 400,
            "talk_time_seconds_mean": 200,
        },
        {
            "agent_id": 6,
            "name": None,
            "calls_accepted": 1,
            "talk_time_seconds_total": 50,
            "talk_time_seconds_mean": 50,
        },
    ]
    assert talk["queue"] == {
        "agents_online": 3,
        "calls_waiting": 1,
        "callbacks_waiting": 0,
        "embeddable_callbacks_waiting": 0,
        "average_wait_time": 12,
        "longest_wait_time": 40,
    }
    q = {d["date"]: d for d in talk["quality_daily"]}
    assert q["2026-03-10"] == {
        "date": "2026-03-10",
        "calls": 7,
        "with_issues": 1,
        "rate": pytest.approx(6 / 7),
    }
    assert q["2026-03-09"] == {"date": "2026-03-09", "calls": 1, "with_issues": 1, "rate": 0.0}
    assert q["2026-03-05"] == {"date": "2026-03-05", "calls": 0, "with_issues": 0, "rate": None}


def _activity(rows: list[tuple[float, float | None, float | None]]) -> list[dict]:
    return [
        {"agent_id": i, "online_time": o, "total_talk_time": t, "total_wrap_up_time": w}
        for i, (o, t, w) in enumerate(rows, 1)
    ]


def test_utilization_today() -> None:
    """(Σ talk + Σ wrap-up) / Σ online over the newest agents_activity rows fetched today."""
    c = Cache()
    c.ingest(
        "agents_activity",
        _activity([(3600, 1200, 600), (1800, 900, None), (0, None, None)]),
        fetched_at=datetime(2026, 3, 10, 11, 59, tzinfo=UTC),
    )
    snap = compute_snapshot(c.frames, CFG, NOW)
    assert snap.talk is not None
    assert snap.talk.utilization_today == (1200 + 600 + 900) / (3600 + 1800)
    assert snap.to_dict()["talk"]["utilization_today"] == 2700 / 5400
    # fetched yesterday (a warm start the next morning): yesterday's figures, not today's
    old = Cache()
    old.ingest(
        "agents_activity",
        _activity([(3600, 1200, 600)]),
        fetched_at=datetime(2026, 3, 9, 23, 0, tzinfo=UTC),
    )
    assert compute_snapshot(old.frames, CFG, NOW).talk.utilization_today is None  # type: ignore[union-attr]
    # nobody online, and no rows at all: null
    idle = Cache()
    idle.ingest("agents_activity", _activity([(0, 0, 0)]), fetched_at=NOW)
    assert compute_snapshot(idle.frames, CFG, NOW).talk.utilization_today is None  # type: ignore[union-attr]
    assert compute_snapshot(Cache().frames, CFG, NOW).talk.utilization_today is None  # type: ignore[union-attr]


def test_talk_off_and_no_queue() -> None:
    c = Cache()
    c.ingest("calls", CALLS)
    assert compute_snapshot(c.frames, cfg(talk={"enabled": False}), NOW).talk is None
    on = compute_snapshot(c.frames, CFG, NOW)
    assert on.talk is not None and on.talk.queue is None
    assert on.talk.efficiency.today.leg_talk_time_seconds_mean is None


def test_agents_calls_accepted() -> None:
    c = Cache()
    c.ingest("calls", CALLS)
    c.ingest("users", [user(5, "Fay"), user(6, "Gil")])
    agents = {a["agent_id"]: a for a in compute_snapshot(c.frames, CFG, NOW).to_dict()["agents"]}
    assert (agents[5]["calls_accepted"], agents[5]["talk_time_seconds_mean"]) == (2, 200)
    assert (agents[6]["calls_accepted"], agents[6]["talk_time_seconds_mean"]) == (1, 50)
