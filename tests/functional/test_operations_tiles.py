"""Pilot tests of the operations screen: the tiles show the export's numbers, in place."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deskwatch.kpis import catalogue as k
from deskwatch.kpis.catalogue import Kpi
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.operations import OperationsScreen, tile_dom_id
from deskwatch.views.operations import TILES
from deskwatch.widgets.duration_panel import DurationPanel
from deskwatch.widgets.hourly_bars import HourlyBars
from deskwatch.widgets.kpi_tile import KpiTile
from deskwatch.widgets.trend_chart import TrendChart
from tests.functional.snapshot_apps.ops_app import OpsApp
from tests.functional.snapshot_apps.ops_fixture import TICKETS, make_data, make_snapshot


def export_value(export: dict, kpi_id: str) -> int:
    """A figure's number in the export JSON: a catalogue id is its path there."""
    value: object = export
    for key in kpi_id.split("."):
        value = value[key]  # type: ignore[index]
    return value  # type: ignore[return-value]


def _tile(app: OpsApp, kpi: Kpi[int]) -> KpiTile:
    return app.screen.query_one(f"#{tile_dom_id(kpi.id)}", KpiTile)


async def test_tile_numbers_equal_the_export() -> None:
    app = OpsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        export = app.data.snapshot.to_dict()
        for kpi, _ in TILES:
            shown = _tile(app, kpi).value_text
            assert int(shown.replace(",", "")) == export_value(export, kpi.id), kpi.id


async def test_changes_vs_yesterday_same_time() -> None:
    app = OpsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # fixture: created 128 vs 114 (+12.3 %), solved 1,234 vs 1,301 (-5.1 %),
        # unsolved 148 with the backlog down 162 -> 150 (-12), so vs 160 (-7.5 %);
        # unassigned/open/escalated have no history: no arrow, their share of the
        # 148 unsolved instead (9 -> 6.1 %, 97 -> 65.5 %, 4 -> 2.7 %)
        assert _tile(app, k.CREATED_TODAY).delta_text == "▲ 12% vs 114"
        assert _tile(app, k.SOLVED_TODAY).delta_text == "▼ 5% vs 1,301"
        assert _tile(app, k.UNSOLVED).delta_text == "▼ 8% vs 160"
        assert _tile(app, k.UNASSIGNED).delta_text == "6% of unsolved"
        assert _tile(app, k.OPEN).delta_text == "66% of unsolved"
        assert _tile(app, k.ESCALATED).delta_text == "3% of unsolved"
        # fewer solved is bad news, a shrinking backlog good news, more created neither
        assert _tile(app, k.SOLVED_TODAY).query_one(".tile--delta").has_class("-bad")
        assert _tile(app, k.UNSOLVED).query_one(".tile--delta").has_class("-good")
        assert _tile(app, k.CREATED_TODAY).query_one(".tile--delta").has_class("-neutral")


async def test_hourly_chart_stops_at_the_current_local_hour() -> None:
    app = OpsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bars = app.screen.query_one(HourlyBars)
        # now is 14:05 Europe/Paris: hours 0..14 are drawn
        assert bars.data_key()[1] == (1, 0, 0, 1, 0, 2, 4, 9, 15, 18, 17, 14, 12, 16, 19)
        assert len(bars.data_key()[2]) == 15


async def test_show_updates_in_place() -> None:
    app = OpsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OperationsScreen)
        before = {w.id: w for w in screen.query(KpiTile)}
        tickets = TICKETS
        newer = make_snapshot(unsolved=151, created={**tickets["created"], "today": 131})
        screen.show(DashboardData(app.data.cfg, app.data.now, newer))
        await pilot.pause()
        after = {w.id: w for w in screen.query(KpiTile)}
        assert all(before[k] is after[k] for k in before)  # same widgets, not remounted
        assert _tile(app, k.UNSOLVED).value_text == "151"
        assert _tile(app, k.CREATED_TODAY).value_text == "131"
        assert _tile(app, k.CREATED_TODAY).delta_text == "▲ 15% vs 114"  # 131/114 = +14.9 %


async def test_missing_snapshot_shows_dashes_without_arrows() -> None:
    app = OpsApp(make_data())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        empty = DashboardData(app.data.cfg, app.data.now, None)
        app.screen.show(empty)  # type: ignore[attr-defined]
        await pilot.pause()
        for kpi, _ in TILES:
            assert _tile(app, kpi).value_text == "—"
            assert _tile(app, kpi).delta_text.strip() == ""
        table = app.screen.query_one("#panel-first-reply", DurationPanel).table_text
        assert "Today" in table and "—" in table


async def test_stale_tickets_stream_badges_tiles_and_panels() -> None:
    app = OpsApp(make_data(stale=frozenset({"tickets"})))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for kpi, _ in TILES:
            tile = _tile(app, kpi)
            assert tile.has_class("-stale") and str(tile.border_subtitle) == "STALE"
        panel = app.screen.query_one("#panel-resolution", DurationPanel)
        assert "STALE" in str(panel.border_subtitle)
        app.screen.show(make_data())  # type: ignore[attr-defined]
        await pilot.pause()
        assert not _tile(app, k.CREATED_TODAY).has_class("-stale")


async def test_panel_table_shows_the_snapshot_stats() -> None:
    app = OpsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#panel-first-reply", DurationPanel).table_text
        lines = table.splitlines()
        # fixture first reply: today median 42.0 mean 51.25 p90 100.5 n 31;
        # month to date mean 74.8 (shown as 1h 15m)
        assert lines[1].split() == ["Today", "42m", "51m", "1h", "41m", "31"]
        assert "1h 15m" in lines[3]
        chart = app.screen.query_one("#panel-first-reply TrendChart", TrendChart)
        assert chart.has_data()


async def test_plot_theme_follows_app_theme() -> None:
    app = OpsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        charts = [*app.screen.query(TrendChart), app.screen.query_one(HourlyBars)]
        assert {c.theme for c in charts} == {"auto"}
        app.theme = "ansi-dark"
        await pilot.pause()
        assert {c.theme for c in charts} == {"pro"}
        app.theme = "textual-light"
        await pilot.pause()
        assert {c.theme for c in charts} == {"auto"}


async def test_no_color_uses_monochrome_plots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = OpsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.no_color
        assert {c.theme for c in app.screen.query(TrendChart)} == {"clear"}


async def test_wall_mode_shows_a_number_too_wide_for_big_digits_as_text() -> None:
    # 1,234,567 in big digits takes 23 cells; a third of 72 columns leaves 20
    data = make_data()
    tickets = data.snapshot.to_dict()["tickets"]
    solved = {**tickets["solved"], "today": 1_234_567}
    app = OpsApp(replace(data, snapshot=make_snapshot(solved=solved)), wall=True)
    async with app.run_test(size=(72, 40)) as pilot:
        await pilot.pause()
        tile = _tile(app, k.SOLVED_TODAY)
        assert tile.has_class("-overflow")
        assert tile.query_one(".tile--value").display
        assert not tile.query_one(".tile--digits").display
        assert tile.value_text == "1,234,567"
        created = _tile(app, k.CREATED_TODAY)  # 128 fits: still big digits
        assert not created.has_class("-overflow") and created.query_one(".tile--digits").display
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert not tile.has_class("-overflow")  # wide enough again
        assert tile.query_one(".tile--digits").display


async def test_wall_mode_shows_big_digits() -> None:
    app = OpsApp(wall=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        tile = _tile(app, k.SOLVED_TODAY)
        assert tile.query_one(".tile--digits").display
        assert not tile.query_one(".tile--value").display
        assert str(tile.query_one(".tile--digits").value) == "1,234"  # type: ignore[attr-defined]


async def test_figures_the_backfill_has_not_reached_wear_the_partial_badge() -> None:
    app = OpsApp(replace(make_data(), partial=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert _tile(app, k.CREATED_TODAY).border_subtitle == ""  # today's exports: complete
        assert _tile(app, k.OPEN).border_subtitle == "PARTIAL"  # open since before today
        panel = app.screen.query(DurationPanel).first()
        assert "PARTIAL" in str(panel.border_subtitle)
        app.screen.show(replace(app.data, partial=False))  # type: ignore[attr-defined]
        await pilot.pause()
        assert _tile(app, k.OPEN).border_subtitle == ""
        assert "PARTIAL" not in str(panel.border_subtitle)
