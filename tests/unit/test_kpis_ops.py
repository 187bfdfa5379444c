"""Operations-screen figures (deskwatch.kpis.ops) on hand-built data, zone Europe/Berlin.

now = 2026-03-10 10:30 CET (09:30Z); today started 2026-03-09T23:00Z, yesterday at
2026-03-08T23:00Z.
"""

from __future__ import annotations

from datetime import UTC, datetime

from deskwatch.kpis import compute_snapshot
from deskwatch.store import Cache
from tests.unit.kpi_records import cfg, ticket

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
CFG = cfg(account={"timezone": "Europe/Berlin"})


def U(h: int, m: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, h, m, tzinfo=UTC)


def test_ops_figures() -> None:
    c = Cache()
    c.ingest(
        "tickets",
        [
            ticket(1, U(8, 10), status="open"),  # today 09:10 local
            ticket(2, U(8, 50), status="solved", solved_at=U(9, 5)),  # today 09:50 local
            ticket(3, U(23, 30, day=9), status="new"),  # today 00:30 local
            ticket(4, U(10, 0, day=9), status="closed", solved_at=U(12, 0, day=9)),  # yesterday
            ticket(5, U(9, 0, day=8), status="pending"),  # two days ago
            ticket(6, U(7, 0), status="deleted"),
        ],
    )
    c.ingest(
        "agents_activity",
        [
            {
                "agent_id": 1,
                "online_time": 3600,
                "agent_state": "online",
                "call_status": "on_call",
            },
            {"agent_id": 2, "online_time": 1800, "agent_state": "online", "call_status": None},
            {"agent_id": 3, "agent_state": "online", "call_status": "wrap_up"},
            {"agent_id": 4, "agent_state": "away", "call_status": None},
        ],
        fetched_at=U(9, 20),
    )
    ops = compute_snapshot(c.frames, CFG, NOW).ops
    # at now: 1, 3, 5 unsolved (2 solved 09:05Z, 4 solved yesterday)
    assert ops.backlog_now == 3
    # at 2026-03-09T09:30Z: only 5 existed unsolved (4 created 10:00Z later, 3 and 1 later)
    assert ops.backlog_24h_ago == 1
    created = [0] * 24
    created[9] += 1  # ticket 1
    created[9] += 1  # ticket 2
    created[0] += 1  # ticket 3
    assert ops.created_per_hour_today == tuple(created)
    solved = [0] * 24
    solved[10] = 1  # ticket 2 solved 09:05Z = 10:05 local
    assert ops.solved_per_hour_today == tuple(solved)
    y = [0] * 24
    y[11] = 1  # ticket 4 created 10:00Z = 11:00 local
    assert ops.created_per_hour_yesterday == tuple(y)
    ys = [0] * 24
    ys[13] = 1
    assert ops.solved_per_hour_yesterday == tuple(ys)
    # the Talk screen's live figures: 2 is available (online, no call), 1 on a call, 3 wraps up
    assert (ops.agents_available, ops.agents_on_call) == (1, 1)
    off = compute_snapshot(c.frames, cfg(talk={"enabled": False}), NOW).ops
    assert (off.agents_available, off.agents_on_call) == (None, None)
