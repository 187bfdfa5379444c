"""The leaderboard view without a terminal: ranks, rank change, idle agents, every sort order,
the sparkline, Talk state; and the board figures the KPI engine computes for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskwatch.kpis import KpiEngine, compute_snapshot
from deskwatch.store import Cache
from deskwatch.views.agents import COLUMNS, sort_rows, spark, view
from tests.unit.kpi_records import cfg, rating, ticket, user

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CFG = cfg(kpis={"window_days": 7}, sync={"history_days": 30})
DAY = timedelta(days=1)


def solved(tid: int, agent: int, when: datetime, **kw: object) -> dict[str, object]:
    return ticket(
        tid,
        when - timedelta(hours=3),
        status="solved",
        solved_at=when,
        full_res=180,
        reply=kw.pop("reply", 30),  # type: ignore[arg-type]
        assignee=agent,
        replies=kw.pop("replies", 1),  # type: ignore[arg-type]
    )


def cache() -> Cache:
    c = Cache()
    c.ingest("users", [user(1, "Ada"), user(2, "Bo"), user(3, "Cy"), user(4, "Di")])
    rows = [
        # this window: Ada 3, Bo 2, Cy 1; Di nothing
        solved(1, 1, NOW - 1 * DAY),
        solved(2, 1, NOW - 2 * DAY),
        solved(3, 1, NOW - 2 * DAY, replies=2),
        solved(4, 2, NOW - 3 * DAY, reply=5),
        solved(5, 2, NOW - 3 * DAY, reply=7),
        solved(6, 3, NOW - 1 * DAY, reply=400),
        # the previous window (7..13 days ago): Cy 3, Bo 1, Ada 0
        solved(11, 3, NOW - 8 * DAY),
        solved(12, 3, NOW - 9 * DAY),
        solved(13, 3, NOW - 10 * DAY),
        solved(14, 2, NOW - 9 * DAY),
    ]
    c.ingest("tickets", rows)
    c.ingest("ratings", [rating(4, NOW - DAY, "good", 2), rating(1, NOW - DAY, "bad", 1)])
    c.replace_records(
        "agents_activity",
        [
            {"agent_id": 1, "name": "Ada", "agent_state": "online", "call_status": "on_call"},
            {"agent_id": 2, "name": "Bo", "agent_state": "away", "call_status": None},
        ],
    )
    return c


def test_ranks_change_idle_and_talk_state() -> None:
    snap = compute_snapshot(cache().frames, CFG, NOW)
    v = view(snap, CFG, NOW)
    by = {r.name: r for r in v.rows}
    assert [r.name for r in v.rows] == ["Ada", "Bo", "Cy", "Di"]
    assert [r.rank for r in v.rows] == [1, 2, 3, None]
    # previous window: Cy 1st, Bo 2nd, Ada nothing
    assert (by["Ada"].previous_rank, by["Bo"].previous_rank, by["Cy"].previous_rank) == (
        None,
        2,
        1,
    )
    cells = {c.id: c for c in COLUMNS}
    assert cells["change"].cell(by["Ada"]) == "new"
    assert cells["change"].cell(by["Bo"]) == "="
    assert cells["change"].cell(by["Cy"]) == "▼2"
    assert cells["rank"].cell(by["Ada"]) == "① 1" and cells["rank"].cell(by["Di"]) == "—"
    assert (by["Ada"].talk_state, by["Bo"].talk_state, by["Cy"].talk_state) == (
        "on call",
        "away",
        None,
    )
    assert by["Ada"].solved_daily == (0, 0, 0, 0, 2, 1, 0)
    assert cells["csat"].cell(by["Bo"]) == "100% (1)"
    assert by["Di"].idle


@pytest.mark.parametrize("column", [c.id for c in COLUMNS])
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_order_keeps_nulls_and_idle_last(column: str, descending: bool) -> None:
    snap = compute_snapshot(cache().frames, CFG, NOW)
    rows = view(snap, CFG, NOW).rows
    col = next(c for c in COLUMNS if c.id == column)
    ordered = sort_rows(rows, column, descending)
    assert len(ordered) == 4 and ordered[-1].name == "Di"  # idle last whatever the order
    values = [col.value(r) for r in ordered if not r.idle]
    present = [v for v in values if v is not None]
    assert values[: len(present)] == present  # nulls after every value
    assert present == sorted(present, reverse=descending)
    hidden = sort_rows(rows, column, descending, show_idle=False)
    assert [r.name for r in hidden] == [r.name for r in ordered if not r.idle]


def test_sort_examples() -> None:
    rows = view(compute_snapshot(cache().frames, CFG, NOW), CFG, NOW).rows
    names = lambda column, d: [r.name for r in sort_rows(rows, column, d)]  # noqa: E731
    assert names("first_reply", False) == ["Bo", "Ada", "Cy", "Di"]  # fastest first
    assert names("one_touch", True) == ["Bo", "Cy", "Ada", "Di"]  # 100%, 100%, 67%
    assert names("name", True) == ["Cy", "Bo", "Ada", "Di"]


def test_sparkline() -> None:
    assert spark((0, 1, 2, 4)) == "▁▃▅█"
    assert spark((0, 0)) == "▁▁" and spark(()) == ""


def test_the_engine_keeps_the_previous_window_by_deltas() -> None:
    c = cache()
    engine = KpiEngine(CFG)
    seen, changes = c.changes_since(None)
    engine.update(c.frames, changes)
    engine.compute(NOW)
    # Ada re-solves today a ticket of the previous window: Cy's count there drops
    c.ingest("tickets", [dict(solved(12, 1, NOW - timedelta(hours=1)), generated_timestamp=9)])
    seen, changes = c.changes_since(seen)
    engine.update(c.frames, changes)
    snap = engine.compute(NOW)
    assert engine.rebuilds == 1
    assert snap.board == compute_snapshot(c.frames, CFG, NOW).board
    board = {a.agent_id: a for a in snap.board.agents}
    assert (board[3].previous_rank, board[2].previous_rank) == (1, 2)
    assert board[1].solved_daily[-1] == 1


def test_no_rank_change_when_the_history_does_not_reach_the_previous_window() -> None:
    short = cfg(kpis={"window_days": 7}, sync={"history_days": 10})
    snap = compute_snapshot(cache().frames, short, NOW)
    assert not snap.board.previous_known
    rows = view(snap, short, NOW).rows
    change = next(c for c in COLUMNS if c.id == "change")
    assert {change.cell(r) for r in rows} == {""}
    assert all(r.previous_rank is None for r in rows)


def test_the_board_crosses_the_viewers_wire() -> None:
    import json

    from deskwatch.kpis.plain import from_plain, to_plain
    from deskwatch.kpis.snapshot import KpiSnapshot

    snap = compute_snapshot(cache().frames, CFG, NOW)
    back = from_plain(KpiSnapshot, json.loads(json.dumps(to_plain(snap))), "snapshot")
    assert back.board == snap.board and back.board.of(1) is not None
    assert view(back, CFG, NOW) == view(snap, CFG, NOW)
