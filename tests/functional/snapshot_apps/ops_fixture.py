"""A fixed, hand-written KPI snapshot and DashboardData for the operations screen tests.

Every number here is typed by hand (no KPI code runs), so the screen tests check rendering
only. The clock is frozen at 2026-11-23 14:05 Europe/Paris.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from deskwatch.config import build_config
from deskwatch.kpis.ops import OpsFigures
from deskwatch.kpis.snapshot import KpiSnapshot
from deskwatch.live.dashboard import DashboardData

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=ZoneInfo("Europe/Paris"))
WINDOW_START = date(2026, 10, 25)


def _stats(count: int, mean: float | None, median: float | None, p90: float | None) -> dict:
    return {"count": count, "mean": mean, "median": median, "p90": p90}


def _daily(base: float, swing: float, empty_days: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    out = []
    for i in range(30):
        day = (WINDOW_START + timedelta(days=i)).isoformat()
        if i in empty_days:
            out.append({"date": day, **_stats(0, None, None, None)})
            continue
        wave = abs(i % 12 - 6) - 3  # a triangle wave -3..3, period 12 days
        median = base + swing * wave / 3 + (swing / 4 if i % 5 == 0 else 0)
        out.append({"date": day, **_stats(20 + i % 9, median * 1.2, median, median * 2.5)})
    return out


FIRST_REPLY = {
    "today": _stats(31, 51.25, 42.0, 100.5),
    "yesterday": _stats(58, 63.4, 38.0, 140.0),
    "month_to_date": _stats(1210, 74.8, 55.5, 190.0),
    "window": _stats(1402, 72.1, 54.0, 185.0),
    "daily": _daily(55, 25, empty_days=(6,)),
}
FULL_RESOLUTION = {
    "today": _stats(12, 300.0, 185.0, 620.0),
    "yesterday": _stats(49, 1700.0, 1310.0, 3090.0),
    "month_to_date": _stats(1001, 1523.7, 1100.0, 2900.0),
    "window": _stats(1190, 1490.2, 1080.0, 2800.0),
    "daily": _daily(1200, 500),
}

TICKETS = {
    "status": {"new": 14, "open": 97, "pending": 31, "hold": 6, "solved": 5120, "closed": 40012},
    "unsolved": 148,
    "unassigned": 9,
    "escalated": 4,
    "created": {"today": 128, "yesterday_same_time": 114, "window": 4211},
    "solved": {"today": 1234, "yesterday_same_time": 1301, "window": 4102},
    "first_reply_minutes": FIRST_REPLY,
    "full_resolution_minutes": FULL_RESOLUTION,
    "reopened": {"count": 120, "of_created": 4211, "rate": 120 / 4211},
    "one_touch": {"count": 1500, "of_solved": 4102, "rate": 1500 / 4102},
    "by_type": {"question": 1000, "incident": 900, "problem": 100, "task": 200, "none": 2011},
    "by_channel": {"email": 3000, "web": 1211},
    "cost_per_ticket": None,
    "backlog_daily": [
        {"date": (WINDOW_START + timedelta(days=i)).isoformat(), "unsolved": 140 + i % 5}
        for i in range(30)
    ],
}


def _typical(so_far: tuple[float, float, float], full: tuple[float, float, float], n: int) -> dict:
    def q(x: tuple[float, float, float]) -> dict:
        return dict(zip(("p25", "median", "p75"), x, strict=True))

    return {"so_far": q(so_far), "full_day": q(full), "n": n}


#: four Mondays of history: created runs above typical, solved inside its band
TYPICAL = {
    "created": _typical((101.0, 110.0, 118.5), (205.0, 221.5, 236.0), 4),
    "solved": _typical((1180.0, 1240.0, 1290.0), (2300.0, 2410.0, 2490.0), 4),
    "inbound_calls": None,
}
PROJECTION = {
    "created": {"low": 128 + 98.0, "expected": 128 + 110.5, "high": 128 + 121.0},
    "solved": {"low": 1234 + 1105.0, "expected": 1234 + 1170.0, "high": 1234 + 1215.0},
    "inbound_calls": None,
}
#: a weekday with no history yet
NO_TYPICAL = {
    "created": _typical((None, None, None), (None, None, None), 0),  # type: ignore[arg-type]
    "solved": _typical((None, None, None), (None, None, None), 0),  # type: ignore[arg-type]
    "inbound_calls": None,
}
NO_PROJECTION = {"created": None, "solved": None, "inbound_calls": None}

#: created / solved per local hour 00..23; hours after 14 (now is 14:05) are still 0
CREATED_PER_HOUR = (1, 0, 0, 1, 0, 2, 4, 9, 15, 18, 17, 14, 12, 16, 19) + (0,) * 9
SOLVED_PER_HOUR = (0, 0, 0, 0, 0, 1, 3, 7, 11, 14, 16, 12, 10, 13, 8) + (0,) * 9

# fmt: off
TYPICAL_CREATED_PER_HOUR = (
    1, 0, 0, 0, 0, 1, 3, 8, 13, 16, 15, 13, 11, 14, 15, 14, 12, 10, 7, 5, 3, 2, 1, 1,
)
TYPICAL_SOLVED_PER_HOUR = (
    0, 0, 0, 0, 0, 1, 3, 6, 10, 13, 14, 12, 10, 12, 12, 13, 13, 11, 8, 6, 4, 2, 1, 0,
)
# fmt: on

#: backlog 150 now vs 162 24 h ago: the Unsolved tile (148) compares with 148 + 12 = 160
OPS = OpsFigures(
    backlog_now=150,
    backlog_24h_ago=162,
    created_per_hour_today=CREATED_PER_HOUR,
    solved_per_hour_today=SOLVED_PER_HOUR,
    created_per_hour_yesterday=(3,) * 24,
    solved_per_hour_yesterday=(2,) * 24,
    # typical per hour: the afternoon and evening still to come
    typical_created_per_hour=TYPICAL_CREATED_PER_HOUR,
    typical_solved_per_hour=TYPICAL_SOLVED_PER_HOUR,
)


def make_snapshot(
    *, typical: dict | None = None, projection: dict | None = None, **ticket_overrides: Any
) -> KpiSnapshot:
    return KpiSnapshot.from_parts(
        schema="deskwatch.kpis/2",
        now=NOW.isoformat(),
        timezone="Europe/Paris",
        time_basis="calendar",
        window={"days": 30, "start": "2026-10-25", "end": "2026-11-23"},
        tickets={**TICKETS, **ticket_overrides},
        csat={
            "good": 0,
            "bad": 0,
            "score": None,
            "today": {"good": 0, "bad": 0, "score": None},
            "daily": [],
        },
        agents=[],
        talk=None,
        filters=None,
        typical=TYPICAL if typical is None else typical,
        projection=PROJECTION if projection is None else projection,
        ops=OPS,
    )


def make_data(*, stale: frozenset[str] = frozenset(), empty: bool = False) -> DashboardData:
    """The fixed data; ``empty``: before the first computation (no snapshot yet)."""
    cfg = build_config({"account": {"timezone": "Europe/Paris"}}, env={}, require_account=False)
    snapshot = None if empty else make_snapshot()
    return DashboardData(cfg=cfg, now=NOW, snapshot=snapshot, stale=stale)
