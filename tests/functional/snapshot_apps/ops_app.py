"""A minimal app around the operations screen, fed the fixed data of ``ops_fixture``."""

from __future__ import annotations

from textual.app import App

from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.operations import OperationsScreen

from .ops_fixture import make_data


class OpsApp(App[None]):
    """Shows :class:`OperationsScreen` with ``data`` (default: the fixed fixture)."""

    def __init__(
        self, data: DashboardData | None = None, *, wall: bool = False, theme: str | None = None
    ) -> None:
        super().__init__()
        self.data = data if data is not None else make_data()
        self.wall = wall
        if theme:
            self.theme = theme

    def on_mount(self) -> None:
        screen = OperationsScreen()
        if self.wall:
            screen.add_class(screen.WALL_CLASS)
        self.push_screen(screen)
        screen.show(self.data)


if __name__ == "__main__":
    OpsApp().run()
