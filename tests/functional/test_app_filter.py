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


async def test_ctrl_s_applies_and_saves_the_filter_to_the_config(tmp_path: Any) -> None:
    """The filter bar's ctrl+s writes [filters] (ids, their names as a comment) into the
    config file the app was started with, keeping the rest; a toast confirms it."""
    from dataclasses import replace

    from deskwatch.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('# mine\n[zendesk]\nsubdomain = "acme"\n', encoding="utf-8")
    source = FilterSource()
    app = make_app(source=source)
    app.cfg = replace(app.cfg, source=path)
    source.cfg = app.cfg
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#filter-groups", SelectionList).select(12)
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, FilterScreen)
        assert app.cfg.filters.groups == (12,)
        saved = [n for n in app._notifications if n.title == "Filter saved"]
        assert saved and str(path.resolve()) in saved[0].message
    text = path.read_text("utf-8")
    assert text.startswith('# mine\n[zendesk]\nsubdomain = "acme"\n')
    assert "groups = [12] # Support" in text
    cfg = load_config(path, env={"ZENDESK_OAUTH_TOKEN": "t0ken"})
    assert cfg.filters.groups == (12,)


async def test_saving_without_a_config_file_says_so_in_one_line() -> None:
    source = FilterSource()
    app = make_app(source=source)
    source.cfg = app.cfg
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.2)
        app.set_filter((11,), quiet=True)
        app.save_filter()
        await pilot.pause()
        errors = [n for n in app._notifications if n.title == "Filter not saved"]
        assert errors and "\n" not in errors[0].message
        assert "by hand: groups = [11]" in errors[0].message
