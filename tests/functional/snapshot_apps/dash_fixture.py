"""A fixed, hand-written snapshot with every section filled (tickets, CSAT, Talk) for the KPI
and Talk screen tests. Every number is typed by hand (no KPI code runs); the tickets are the
operations fixture's. The clock is frozen at 2026-11-23 14:05 Europe/Paris; window 30 days.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from deskwatch.config import build_config
from deskwatch.kpis.snapshot import KpiSnapshot
from deskwatch.live.dashboard import DashboardData

from .ops_fixture import NOW, OPS, PROJECTION, TICKETS, TYPICAL, WINDOW_START

DATES = [(WINDOW_START + timedelta(days=i)).isoformat() for i in range(30)]


def _csat_day(i: int) -> dict[str, Any]:
    good, bad = 20 + (i * 7) % 11, 2 + (i * 5) % 6
    if i == 9:  # a day with no ratings
        return {"date": DATES[i], "good": 0, "bad": 0, "score": None}
    return {"date": DATES[i], "good": good, "bad": bad, "score": good / (good + bad)}


CSAT = {
    "good": 812,
    "bad": 95,
    "score": 812 / 907,
    "today": {"good": 10, "bad": 2, "score": 10 / 12},
    "daily": [_csat_day(i) for i in range(30)],
}

BY_CHANNEL = {"email": 2100, "web": 1211, "api": 500, "unknown": 120, "voice": 280}


def _eff(answer: float, wait: float | None, talk: float, hold: float, wrap: float, leg: float):  # type: ignore[no-untyped-def]
    return {
        "time_to_answer_seconds_mean": answer,
        "talk_time_seconds_mean": talk,
        "hold_time_seconds_mean": hold,
        "wrap_up_time_seconds_mean": wrap,
        "wait_time_seconds_mean": wait,
        "leg_talk_time_seconds_mean": leg,
    }


def _out(i: int) -> dict[str, int]:
    return {
        "exceeded_wait": i % 3,
        "voicemail": 1 + i % 4,
        "abandoned": 2 + (i * 3) % 5,
        "not_answered": i % 2,
    }


TOP_AGENTS = [
    {
        "agent_id": 360000000 + n,
        "name": name,
        "calls_accepted": calls,
        "talk_time_seconds_total": calls * mean,
        "talk_time_seconds_mean": mean,
    }
    for n, (name, calls, mean) in enumerate(
        [
            ("Ana Lima", 212, 301.5),
            ("Bo Chen", 198, 254.0),
            ("Chidi Okafor", 180, 412.25),
            ("Dana Weiss-Oberholzer", 151, 199.0),
            ("Eli Park", 140, 333.0),
            ("Femi Ade", 97, 280.0),
            ("Gus Ng", 64, 150.0),
            ("Hana Sato", 12, 90.0),
        ]
    )
]

TALK = {
    "queue": {
        "agents_online": 14,
        "calls_waiting": 3,
        "callbacks_waiting": 1,
        "embeddable_callbacks_waiting": 0,
        "average_wait_time": 42,
        "longest_wait_time": 185,
    },
    "inbound": {"today": 312, "window": 9120},
    "answered": {"today": 281, "window": 8302},
    "unsuccessful": {
        "today": {"exceeded_wait": 4, "voicemail": 9, "abandoned": 15, "not_answered": 3},
        "window": {"exceeded_wait": 120, "voicemail": 233, "abandoned": 402, "not_answered": 63},
        "daily": [{"date": DATES[i], **_out(i)} for i in range(30)],
    },
    "efficiency": {
        "today": _eff(24.5, 31.0, 290.0, 35.0, 61.0, 240.0),
        "window": _eff(33.1, 40.2, 301.7, 28.0, 75.5, 251.3),
    },
    "top_agents": TOP_AGENTS,
    "quality_daily": [
        {
            "date": DATES[i],
            "calls": 300 + i,
            "with_issues": 3 + i % 9,
            "rate": 1 - (3 + i % 9) / (300 + i),
        }
        for i in range(30)
    ],
    "utilization_today": 0.734,
}

LIVE_OPS = replace(
    OPS,
    agents_available=5,
    agents_on_call=8,
)


def make_snapshot(*, talk: bool = True, cost: float | None = 14.372) -> KpiSnapshot:
    return KpiSnapshot.from_parts(
        schema="deskwatch.kpis/2",
        now=NOW.isoformat(),
        timezone="Europe/Paris",
        time_basis="calendar",
        window={"days": 30, "start": DATES[0], "end": DATES[-1]},
        tickets={**TICKETS, "by_channel": BY_CHANNEL, "cost_per_ticket": cost},
        csat=CSAT,
        agents=[],
        talk=TALK if talk else None,
        filters=None,
        typical=TYPICAL,
        projection=PROJECTION,
        ops=LIVE_OPS if talk else OPS,
    )


def make_data(
    *,
    talk: bool = True,
    cost: bool = True,
    stale: frozenset[str] = frozenset(),
    empty: bool = False,
    unavailable: frozenset[str] = frozenset(),
) -> DashboardData:
    """The fixed data; ``talk``: Talk enabled in the config; ``cost``: a monthly cost set."""
    cfg = build_config(
        {
            "account": {"timezone": "Europe/Paris"},
            "talk": {"enabled": talk},
            "cost": {"monthly_support_cost": 60000 if cost else 0},
            "targets": {"wait_seconds": 45, "wrap_up_seconds": 60, "quality": 0.98},
        },
        env={},
        require_account=False,
    )
    snapshot = None if empty else make_snapshot(talk=talk, cost=14.372 if cost else None)
    return DashboardData(cfg=cfg, now=NOW, snapshot=snapshot, stale=stale)
