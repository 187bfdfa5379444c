"""deskwatch's commands in the command palette (added to Textual's built-in ones)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from deskwatch.config import Config
from deskwatch.live.pollstate import INTERVAL_STEPS

WINDOW_CHOICES = (7, 14, 30, 60, 90, 180, 365)


class PaletteHost(Protocol):
    """What the palette needs from the app (``deskwatch.app.DeskwatchApp``)."""

    cfg: Config
    poller: Any
    wall: bool

    @property
    def available_themes(self) -> Iterable[str]: ...

    def dashboard_titles(self) -> Iterable[tuple[str, str]]: ...

    def go_to(self, mode: str) -> object: ...

    def action_refresh(self) -> object: ...

    def action_pause(self) -> object: ...

    def action_wall(self) -> object: ...

    def set_poll_interval(self, seconds: float) -> object: ...

    def set_window_days(self, days: int) -> object: ...

    def set_theme(self, name: str) -> object: ...


class DeskwatchCommands(Provider):
    """Go to a dashboard, refresh, pause, poll interval, wall mode, KPI window, theme."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast(PaletteHost, self.app)
        cmds: list[tuple[str, Callable[[], object], str]] = []
        for mode, title in app.dashboard_titles():
            cmds.append(
                (f"Go to dashboard: {title}", partial(app.go_to, mode), f"Show the {title} screen")
            )
        cmds.append(("Refresh now", app.action_refresh, "Poll every stream at once"))
        paused = app.poller.paused
        cmds.append(
            (
                "Resume polling" if paused else "Pause polling",
                app.action_pause,
                "Stop or restart fetching data",
            )
        )
        for seconds in INTERVAL_STEPS:
            cmds.append(
                (
                    f"Set poll interval: {seconds:g} s",
                    partial(app.set_poll_interval, seconds),
                    "Live streams every N seconds; the others scale with it",
                )
            )
        cmds.append(
            (
                "Wall mode: off" if app.wall else "Wall mode: on",
                app.action_wall,
                "Big figures, no chrome, rotate dashboards",
            )
        )
        for days in WINDOW_CHOICES:
            if days <= app.cfg.sync.history_days:
                cmds.append(
                    (
                        f"Window: last {days} days",
                        partial(app.set_window_days, days),
                        "The KPI window (charts, rates, leaderboards)",
                    )
                )
        for name in sorted(app.available_themes):
            cmds.append((f"Theme: {name}", partial(app.set_theme, name), "Change the colours"))
        return cmds

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            if name.startswith(("Theme:", "Set poll interval:", "Window:")):
                continue  # the long families only on search
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
