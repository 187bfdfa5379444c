"""deskwatch's commands in the command palette (added to Textual's built-in ones)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from deskwatch.config import Config
from deskwatch.kpis.filters import FilterChoices
from deskwatch.live.pollstate import INTERVAL_STEPS
from deskwatch.views.kpi import WINDOW_STEPS


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

    def filter_choices(self) -> FilterChoices | None: ...

    def action_filter(self) -> object: ...

    def save_filter(self) -> object: ...

    def set_filter(
        self,
        groups: Sequence[str | int] = (),
        brands: Sequence[str | int] = (),
        channels: Sequence[str] = (),
    ) -> object: ...


class DeskwatchCommands(Provider):
    """Go to a dashboard, refresh, pause, poll interval, wall mode, KPI window, filters,
    theme."""

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
        for days in WINDOW_STEPS:
            if days <= app.cfg.sync.history_days:
                cmds.append(
                    (
                        f"Window: last {days} days",
                        partial(app.set_window_days, days),
                        "The KPI window (charts, rates, leaderboards)",
                    )
                )
        cmds += self._filter_commands(app)
        for name in sorted(app.available_themes):
            cmds.append((f"Theme: {name}", partial(app.set_theme, name), "Change the colours"))
        return cmds

    def _filter_commands(self, app: PaletteHost) -> list[tuple[str, Callable[[], object], str]]:
        cmds: list[tuple[str, Callable[[], object], str]] = [
            ("Filter: choose…", app.action_filter, "Groups, brands and channels (key f)"),
        ]
        if app.cfg.filters.active:
            cmds.append(("Filter: clear", app.set_filter, "Count every ticket again"))
        cmds.append(
            (
                "Filter: save to the config",
                app.save_filter,
                "Write the active filter to [filters] in the config file",
            )
        )
        choices = app.filter_choices()
        if choices is None:
            return cmds
        for gid, name in choices.groups:
            cmds.append(
                (f"Filter: group {name}", partial(app.set_filter, (gid,)), "Only this group")
            )
        for bid, name in choices.brands:
            cmds.append(
                (f"Filter: brand {name}", partial(app.set_filter, (), (bid,)), "Only this brand")
            )
        for ch in choices.channels:
            cmds.append(
                (f"Filter: channel {ch}", partial(app.set_filter, (), (), (ch,)), "Only it")
            )
        return cmds

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            if name.startswith(("Theme:", "Set poll interval:", "Window:", "Filter: ")) and not (
                name.startswith(("Filter: choose", "Filter: clear", "Filter: save"))
            ):
                continue  # the long families only on search
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
