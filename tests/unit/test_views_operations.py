"""The operations view, without a terminal: what each tile, panel and chart will show."""

from __future__ import annotations

from datetime import UTC, datetime

from deskwatch.kpis import catalogue as k
from deskwatch.views.figures import hours_so_far, tile
from deskwatch.views.operations import TILES, view
from tests.functional.snapshot_apps.ops_fixture import NOW, make_data, make_snapshot


def shown(kpi_id: str):  # type: ignore[no-untyped-def]
    data = make_data()
    v = view(data.snapshot, data.cfg, data.now)
    return next(t for t in v.tiles if t.id == kpi_id)


def test_top_row_is_the_daily_operations_board() -> None:
    data = make_data()
    v = view(data.snapshot, data.cfg, data.now)
    assert [t.label for t in v.tiles] == [
        "Created today",
        "Unassigned",
        "Open",
        "Unsolved",
        "Solved today",
        "Escalated",
    ]
    assert [kpi.id for kpi, wide_only in TILES if wide_only] == ["tickets.unsolved"]


def test_tiles_format_values_and_changes() -> None:
    # fixture: created 128 vs 114, solved 1,234 vs 1,301, unsolved 148 with the backlog
    # down 12 over 24 h (so vs 160); open 97, unassigned 9, escalated 4 of 148 unsolved
    created, solved = shown("tickets.created.today"), shown("tickets.solved.today")
    assert (created.value, created.delta.text, created.versus) == ("128", "▲ 12%", "vs 114")
    assert (solved.value, solved.delta.text, solved.versus) == ("1,234", "▼ 5%", "vs 1,301")
    assert solved.delta.verdict(solved.up_is_good) == "bad"
    assert created.delta.verdict(created.up_is_good) == "neutral"
    unsolved = shown("tickets.unsolved")
    assert (unsolved.delta.text, unsolved.versus) == ("▼ 8%", "vs 160")
    assert unsolved.delta.verdict(unsolved.up_is_good) == "good"
    opened = shown("tickets.status.open")
    assert (opened.value, opened.delta.text, opened.versus) == ("97", "", "66% of unsolved")
    assert shown("tickets.unassigned").versus == "6% of unsolved"
    assert shown("tickets.escalated").versus == "3% of unsolved"


def test_no_snapshot_yet_shows_dashes_and_no_changes() -> None:
    data = make_data(empty=True)
    v = view(None, data.cfg, data.now)
    assert {(t.value, t.digits, t.delta.text, t.versus) for t in v.tiles} == {("—", "-", "", "")}
    assert v.first_reply.today is None and v.first_reply.daily == ()
    assert v.first_reply.target == data.cfg.targets.first_reply_minutes
    assert v.hourly.created == () and v.hourly.solved == ()


def test_panels_carry_the_snapshot_stats_and_targets() -> None:
    data = make_data()
    v = view(data.snapshot, data.cfg, data.now)
    assert v.first_reply.today is not None and v.first_reply.today.median == 42.0
    assert v.full_resolution.month_to_date is not None
    assert v.full_resolution.month_to_date.count == 1001
    assert len(v.first_reply.daily) == 30
    assert v.full_resolution.target == data.cfg.targets.full_resolution_minutes
    assert v.first_reply.streams == ("tickets",)


def test_hourly_stops_at_the_current_local_hour() -> None:
    data = make_data()
    v = view(data.snapshot, data.cfg, data.now)  # 14:05 Europe/Paris
    assert v.hourly.created == (1, 0, 0, 1, 0, 2, 4, 9, 15, 18, 17, 14, 12, 16, 19)
    assert len(v.hourly.solved) == 15
    # 13:05 UTC is 14:05 in Paris: hours 0..14 have started
    assert hours_so_far(datetime(2026, 11, 23, 13, 5, tzinfo=UTC), data.cfg) == 15
    assert hours_so_far(datetime(2026, 11, 23, 22, 59, tzinfo=UTC), data.cfg) == 24


def test_a_count_at_zero_yesterday_reads_new() -> None:
    created = {"today": 5, "yesterday_same_time": 0, "window": 5}
    t = tile(k.CREATED_TODAY, make_snapshot(created=created))
    assert (t.delta.text, t.versus) == ("▲ new", "vs 0")
    assert NOW.hour == 14


def test_typical_and_projection_wait_for_the_history_backfill() -> None:
    from deskwatch.views.operations import view as ops_view

    done = ops_view(make_snapshot(), make_data().cfg, NOW)
    partial = ops_view(make_snapshot(), make_data().cfg, NOW, partial=True)
    assert done.tiles[0].typical == "▲ typ 110 (101–119)" and done.projections[0].expected == "239"
    assert partial.tiles[0].typical == "typ: syncing"
    assert partial.projections[0].range == "history syncing"
    assert partial.hourly.typical_created is None and done.hourly.typical_created is not None
