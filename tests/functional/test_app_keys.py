"""Pilot tests: every binding does what the help says, remapped keys included."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Header

from deskwatch.bindings import BINDING_IDS
from deskwatch.config import ConfigError
from deskwatch.screens.help import HelpScreen
from deskwatch.widgets.status_bar import PausedBanner, StatusBar
from tests.functional.app_fakes import FakeSource, config, make_app

SIZE = (100, 30)


async def test_number_keys_jump_to_registered_dashboards_only() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "ops"
        await pilot.press("2")
        assert app.current_mode == "kpi"
        await pilot.press("1")
        assert app.current_mode == "ops"
        await pilot.press("3", "4")  # talk/agents are not registered: nothing happens
        assert app.current_mode == "ops"
        assert app.is_running


async def test_tab_and_shift_tab_cycle_and_wrap() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        assert app.current_mode == "kpi"
        await pilot.press("tab")
        assert app.current_mode == "ops"
        await pilot.press("shift+tab")
        assert app.current_mode == "kpi"


async def test_entering_a_dashboard_shows_it_the_newest_data() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert screen.shown, "the kpi screen got no data when entered"
        assert screen.shown[-1] is app.data


async def test_help_lists_every_binding_and_closes() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        ids = [table.get_row_at(i)[2] for i in range(table.row_count)]
        assert set(BINDING_IDS) <= set(ids)
        assert len(BINDING_IDS) == 17
        rows = {table.get_row_at(i)[2]: table.get_row_at(i) for i in range(table.row_count)}
        assert rows["refresh"][0] == "r"
        assert rows["help"][0] == "?"
        assert rows["interval.up"][0] == "+, ="
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_refresh_polls_every_stream_at_once() -> None:
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert source.calls.count("tickets") == 1
        await pilot.press("r")
        await pilot.pause(0.2)
        assert source.calls.count("tickets") == 2
        assert source.calls.count("queue") == 2


async def test_pause_shows_the_banner_and_stops_polling() -> None:
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        banner = app.screen.query_one(PausedBanner)
        assert not banner.display or not banner.has_class("-on")
        await pilot.press("p")
        await pilot.pause()
        assert app.poller.paused
        assert banner.has_class("-on")
        assert banner.region.height == 3
        assert "PAUSED" in str(banner.render())
        view = app.screen.query_one(StatusBar).view
        assert view is not None and view.state == "PAUSED"
        calls = len(source.calls)
        await pilot.press("r")  # refresh is refused while paused
        app.poller.refresh_now()  # even a direct request does not poll while paused
        await pilot.pause(0.2)
        assert len(source.calls) == calls
        await pilot.press("p")
        await pilot.pause(0.2)
        assert not app.poller.paused
        assert not banner.has_class("-on")
        assert len(source.calls) > calls


async def test_plus_and_minus_step_the_poll_interval() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        assert app.poller.interval == 15
        await pilot.press("equals_sign")
        assert app.poller.interval == 30
        await pilot.press("minus", "minus", "minus")
        assert app.poller.interval == 5
        await pilot.pause()
        assert "poll 5 s" in app.screen.query_one(StatusBar).view.detail


async def test_w_toggles_wall_mode_hiding_header_and_footer() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = app.screen.query_one(Header)
        assert header.region.height == 1
        await pilot.press("w")
        await pilot.pause()
        assert app.wall and app.screen.has_class("-wall")
        assert header.region.height == 0
        assert app.screen.query_one(StatusBar).region.height == 1  # still visible
        await pilot.press("2")  # a dashboard entered in wall mode is in wall mode too
        assert app.screen.has_class("-wall")
        await pilot.press("w")
        assert not app.screen.has_class("-wall")


async def test_q_quits_and_saves_the_cache() -> None:
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        written = source.persists
        source.version += 1  # something ingested since the last write
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert source.persists == written + 1


async def test_ctrl_p_opens_the_palette_with_deskwatch_and_builtin_commands() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"pause polling")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.poller.paused
        await pilot.press("ctrl+p")
        await pilot.press(*"keys")  # Textual's own "Keys" command is still there
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert "Keys" in str(palette.query_one("CommandList").get_option_at_index(0).prompt)


async def test_palette_sets_window_days_and_theme() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("ctrl+p", *"window last 7", "enter")
        await pilot.pause(0.3)
        assert app.cfg.kpis.window_days == 7
        assert app.data is not None and app.data.cfg.kpis.window_days == 7
        await pilot.press("ctrl+p", *"theme: nord", "enter")
        await pilot.pause(0.3)
        assert app.theme == "nord"


async def test_brackets_step_the_kpi_window_and_recompute() -> None:
    """[ and ] step 30 -> 90 -> (90) and down to 7; the data is recomputed with the new
    window; a window longer than the synced history is refused with a notice."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("right_square_bracket")
        await pilot.pause(0.3)
        assert app.cfg.kpis.window_days == 90
        assert app.data is not None and app.data.cfg.kpis.window_days == 90
        await pilot.press("right_square_bracket")  # already the longest step
        assert app.cfg.kpis.window_days == 90
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await pilot.pause(0.3)
        assert app.cfg.kpis.window_days == 7
    cfg = config()
    short = make_app(replace(cfg, sync=replace(cfg.sync, history_days=40)))
    async with short.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket")
        await pilot.pause(0.1)
        assert short.cfg.kpis.window_days == 30
        assert any("40 days" in str(n.message) for n in short._notifications)


async def test_keys_remapped_from_the_config() -> None:
    cfg = config(keys={"refresh": "f5", "pause": "space", "help": "h,f1", "quit": "x"})
    source = FakeSource()
    app = make_app(cfg, source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        calls = len(source.calls)
        await pilot.press("r")  # no longer bound
        await pilot.pause(0.1)
        assert len(source.calls) == calls
        await pilot.press("f5")
        await pilot.pause(0.2)
        assert len(source.calls) > calls
        await pilot.press("space")
        assert app.poller.paused
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = {table.get_row_at(i)[2]: table.get_row_at(i)[0] for i in range(table.row_count)}
        assert rows["refresh"] == "f5"
        assert rows["help"] == "h, f1"
        await pilot.press("escape")
        await pilot.press("x")
        await pilot.pause()
        assert not app.is_running


def test_unknown_binding_id_in_keys_is_one_config_error_line() -> None:
    with pytest.raises(ConfigError) as err:
        config(keys={"refesh": "f5"})  # the config layer refuses it: every command, not only run
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith('config: keys.refesh: unknown binding id; did you mean "refresh"?')


def test_unknown_theme_is_one_config_error_line_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as err:
        config(theme="nrod")
    assert str(err.value).startswith(
        'config: display.theme: found "nrod", expected a built-in Textual theme; '
        'did you mean "nord"?'
    )


async def test_ansi_theme_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(config(theme="ansi-dark"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "ansi-dark"
        assert app.no_color


async def test_help_lists_the_dashboards_figures_from_the_catalogue() -> None:
    from deskwatch.kpis.catalogue import CATALOGUE
    from deskwatch.screens.operations import OperationsScreen

    class NoKpis(FakeSource):
        async def compute(self, now: Any) -> Any:
            return None  # nothing computed yet: the screen shows dashes

    app = make_app(source=NoKpis(), dashboards=(OperationsScreen,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-figures", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[2] for r in rows] == [kpi.id for kpi in OperationsScreen.FIGURES]
        opened = next(r for r in rows if r[2] == "tickets.status.open")
        assert tuple(opened[:2]) == (
            CATALOGUE["tickets.status.open"].label,
            CATALOGUE["tickets.status.open"].help,
        )
