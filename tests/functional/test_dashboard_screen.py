"""DashboardScreen: data shown before the screen is mounted is kept and rendered once, and
staleness is judged per figure from its source streams."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DashboardScreen
from tests.functional.snapshot_apps.ops_fixture import make_data


class Probe(DashboardScreen):
    def __init__(self) -> None:
        super().__init__()
        self.rendered: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="probe")

    def build_view(self, data: DashboardData) -> Any:
        return (data.now, data.stale)

    def render_view(self, view: Any) -> None:
        self.rendered.append(view)
        self.query_one("#probe", Static).update(str(self.is_stale(("tickets",))))


class ProbeApp(App[None]):
    def __init__(self, *data: DashboardData) -> None:
        super().__init__()
        self.data = data
        self.probe = Probe()

    def on_mount(self) -> None:
        self.push_screen(self.probe)
        for d in self.data:  # before the screen has mounted
            self.probe.show(d)


async def test_data_before_mount_is_rendered_once_the_newest() -> None:
    older, newer = make_data(), make_data(stale=frozenset({"tickets"}))
    app = ProbeApp(older, newer)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.probe.rendered == [(newer.now, newer.stale)]
        assert str(app.probe.query_one("#probe", Static).content) == "True"
        app.probe.show(make_data(stale=frozenset({"calls"})))  # mounted: rendered at once
        assert len(app.probe.rendered) == 2
        assert not app.probe.is_stale(("tickets", "ratings"))
        assert app.probe.is_stale(("calls",))


async def test_wall_switch_sets_the_class_widgets_style_from() -> None:
    app = ProbeApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.probe.set_wall(True)
        assert app.probe.wall and app.probe.has_class(DashboardScreen.WALL_CLASS)
        app.probe.set_wall(False)
        assert not app.probe.wall
