"""A minimal app around one dashboard screen, fed the fixed data of ``dash_fixture``."""

from __future__ import annotations

from textual.app import App

from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DashboardScreen

from .dash_fixture import make_data


class DashApp(App[None]):
    """Shows ``screen_cls`` with ``data`` (default: the fixed fixture)."""

    def __init__(
        self,
        screen_cls: type[DashboardScreen],
        data: DashboardData | None = None,
        *,
        wall: bool = False,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.screen_cls = screen_cls
        self.data = data if data is not None else make_data()
        self.wall = wall
        if theme:
            self.theme = theme

    def on_mount(self) -> None:
        screen = self.screen_cls()
        if self.wall:
            screen.add_class(screen.WALL_CLASS)
        self.push_screen(screen)
        screen.show(self.data)


if __name__ == "__main__":
    import sys

    from deskwatch.screens.kpi import KpiScreen

    DashApp(KpiScreen, make_data(talk="--no-talk" not in sys.argv)).run()
