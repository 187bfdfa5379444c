"""The footer fits in 80 columns on every screen: a short set of keys (the dashboards, filter,
refresh, help, quit, and a screen's own main keys); every other key is in help (and the
palette). A key cut off at the right edge ("q Qui▏") fails here."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from deskwatch.bindings import BINDINGS, FOOTER
from deskwatch.screens.agent_page import AgentPage
from deskwatch.screens.agents import AgentsScreen
from deskwatch.screens.help import HelpScreen
from deskwatch.screens.kpi import KpiScreen
from deskwatch.screens.operations import OperationsScreen
from deskwatch.screens.talk import TalkScreen
from deskwatch.screens.tickets import TicketsScreen
from tests.functional.app_fakes import Placeholder, make_app

DASHBOARDS = (OperationsScreen, KpiScreen, TalkScreen, AgentsScreen)


def stand_in(screen: type[Any]) -> type[Any]:
    """A placeholder dashboard (it renders no figures) with ``screen``'s mode and keys."""
    return type(
        f"{screen.__name__}Keys",
        (Placeholder,),
        {"MODE": screen.MODE, "TITLE": screen.TITLE, "BINDINGS": screen.BINDINGS},
    )


STAND_INS = tuple(stand_in(s) for s in DASHBOARDS)
PALETTE_HINT = len("▏^p Palette")


def footer_width(screen: type[Any]) -> int:
    """Columns the compact footer needs for ``screen``'s keys and the app's shown keys (the
    ones it does not keep out with a shadowing binding of the same id): "key Description "."""
    own = Binding.make_bindings(screen.BINDINGS)
    quiet = {b.id for b in own if not b.show}
    shown = [b for b in own if b.show] + [b for b in BINDINGS if b.show and b.id not in quiet]
    return sum(len(b.key_display or b.key) + len(b.description) + 2 for b in shown)


def test_the_app_footer_is_the_short_set() -> None:
    assert [b.id for b in BINDINGS if b.show] == [b.id for b in BINDINGS if b.id in FOOTER]
    assert set(FOOTER) == {
        "dashboard.1", "dashboard.2", "dashboard.3", "dashboard.4", "filter", "refresh", "help",
        "quit",
    }  # fmt: skip


def test_every_screen_footer_fits_in_80_columns() -> None:
    for screen in (*DASHBOARDS, AgentPage, TicketsScreen):
        assert footer_width(screen) <= 80 - PALETTE_HINT, screen.__name__


async def test_the_rendered_footer_shows_every_key_whole_at_80_columns() -> None:
    app = make_app(dashboards=STAND_INS)
    async with app.run_test(size=(80, 24)) as pilot:
        for number, screen in enumerate(DASHBOARDS, 1):
            await pilot.press(str(number))
            await pilot.pause()
            assert app.current_mode == screen.MODE
            keys = list(app.screen.query_one(Footer).query(FooterKey))
            palette = next(k for k in keys if k.has_class("-command-palette"))
            shown = [k for k in keys if k is not palette]
            assert len(shown) == len(FOOTER) + (screen is AgentsScreen)  # s Sort
            assert all(k.region.right <= palette.region.x for k in shown), [
                (k.key, k.region) for k in shown
            ]
            assert palette.region.right <= 80


async def test_keys_left_out_of_the_footer_are_in_help() -> None:
    app = make_app(dashboards=STAND_INS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        rows = app.help_rows()
        ids = {row[2] for row in rows}
        assert {b.id for b in BINDINGS} <= ids  # pause, wall, interval, next/previous…
        assert {"agents.sort", "agents.reverse", "agents.idle"} <= ids  # the screen's own
        idle = next(row for row in rows if row[2] == "agents.idle")
        assert idle[:2] == ("i", "Hide or show idle agents")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
