"""The filter bar (``f``), the palette's filter commands and the status bar's filter label."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from textual.widgets import Label, SelectionList

from deskwatch.config import Config
from deskwatch.kpis.filters import FilterChoices
from deskwatch.screens.filter import FilterScreen
from deskwatch.widgets.status_bar import StatusBar
from tests.functional.app_fakes import FakeSource, make_app

CHOICES = FilterChoices(
    groups=((11, "Billing"), (12, "Support")),
    brands=((21, "Acme"), (22, "Acme Pro")),
    channels=("email", "web"),
)


class FilterSource(FakeSource):
    """Lists the filter choices; its snapshot says which filter it was computed under."""

    cfg: Config

    def filter_choices(self) -> FilterChoices:
        return CHOICES

    async def compute(self, now: datetime) -> Any:
        f = self.cfg.filters
        scope = " · ".join(
            f"{k} {', '.join(map(str, v))}"
            for k, v in (("group", f.groups), ("brand", f.brands), ("channel", f.channels))
            if v
        )
        return SimpleNamespace(scope=scope, get=lambda key, default=None: self.version)


def filter_label(app: Any) -> str:
    return str(app.screen.query_one(StatusBar).query_one("#status-filter", Label).content)


async def test_the_filter_bar_sets_the_filter_and_the_status_bar_shows_it() -> None:
    source = FilterSource()
    app = make_app(source=source)
    source.cfg = app.cfg
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.2)
        assert filter_label(app) == ""
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FilterScreen)
        groups = app.screen.query_one("#filter-groups", SelectionList)
        groups.select(11)
        app.screen.query_one("#filter-channels", SelectionList).select("web")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, FilterScreen)
        assert app.cfg.filters.groups == (11,) and app.cfg.filters.channels == ("web",)
        assert source.cfg is app.cfg  # the poller recomputes under the new filter
        assert filter_label(app) == "⏷ group 11 · channel web"
        # reopened: the bar shows what is on; esc leaves it as it is
        await pilot.press("f")
        await pilot.pause()
        assert list(app.screen.query_one("#filter-groups", SelectionList).selected) == [11]
        await pilot.press("escape")
        await pilot.pause()
        assert app.cfg.filters.groups == (11,)
        app.set_filter()
        await pilot.pause(0.3)
        assert not app.cfg.filters.active and filter_label(app) == ""


async def test_palette_offers_each_group_brand_and_channel() -> None:
    source = FilterSource()
    app = make_app(source=source)
    source.cfg = app.cfg
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        from deskwatch.palette import DeskwatchCommands

        provider = DeskwatchCommands(app.screen, None)
        names = [name for name, _, _ in provider._commands()]
        assert "Filter: choose…" in names and "Filter: clear" not in names
        for name in ("group Billing", "brand Acme Pro", "channel email"):
            assert f"Filter: {name}" in names
        dict((n, cb) for n, cb, _ in provider._commands())["Filter: brand Acme Pro"]()
        await pilot.pause(0.3)
        assert app.cfg.filters.brands == (22,)
        assert "Filter: clear" in [n for n, _, _ in provider._commands()]
