"""The Textual app: modes (one per dashboard), bindings, status bar, wall mode, the poller.

Thin on purpose: data comes from :class:`deskwatch.live.poller.Poller` (pure asyncio, run in a
worker with ``exit_on_error=False``) as ``DataUpdated``/``StatusUpdated`` messages whose
``can_replace`` collapses a burst into the newest; screens are passive and get
:meth:`DashboardScreen.show`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker, WorkerState

from deskwatch.bindings import (
    BINDING_IDS,
    BINDINGS,
    HELP_TEXT,
    MODE_NAMES,
    MODE_ORDER,
)
from deskwatch.config import Config, ConfigError, FiltersConfig
from deskwatch.config.write import save_filters
from deskwatch.kpis.alerts import AlertEvent
from deskwatch.kpis.catalogue import CATALOGUE
from deskwatch.kpis.drill import Arg, Drill
from deskwatch.kpis.filters import FilterChoices
from deskwatch.live.alerting import Alerting
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.poller import Poller, PollStatus, Source
from deskwatch.palette import DeskwatchCommands
from deskwatch.screens.base import DashboardScreen
from deskwatch.screens.filter import FilterPick, FilterScreen
from deskwatch.screens.help import HelpScreen
from deskwatch.screens.talk import LiveAge
from deskwatch.screens.tickets import FIRST_ROWS, TicketsScreen
from deskwatch.views.kpi import next_window
from deskwatch.widgets.status_bar import PausedBanner, StatusBar


def default_dashboards() -> tuple[type[DashboardScreen], ...]:
    """The dashboards that exist in this build, in :data:`MODE_ORDER`."""
    from deskwatch.screens.agents import AgentsScreen
    from deskwatch.screens.kpi import KpiScreen
    from deskwatch.screens.operations import OperationsScreen
    from deskwatch.screens.talk import TalkScreen

    return (OperationsScreen, KpiScreen, TalkScreen, AgentsScreen)


class DataUpdated(Message):
    """New dashboard data; a newer one waiting in the queue replaces this one."""

    def __init__(self, data: DashboardData) -> None:
        super().__init__()
        self.data = data

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataUpdated)


class StatusUpdated(Message):
    """New poller status for the status bar; collapses like :class:`DataUpdated`."""

    def __init__(self, status: PollStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StatusUpdated)


class AlertsRaised(Message):
    """Alert events the feed (the collector, or a viewer seeing its states) notified."""

    def __init__(self, events: Sequence[AlertEvent]) -> None:
        super().__init__()
        self.events = events


class DeskwatchApp(App[None]):
    """deskwatch. ``source`` is the poller's data source (``deskwatch.live.source.LiveSource``)."""

    CSS_PATH = "deskwatch.tcss"
    TITLE = "deskwatch"
    COMMANDS = App.COMMANDS | {DeskwatchCommands}
    BINDINGS: ClassVar[list[BindingType]] = list(BINDINGS)

    def __init__(
        self,
        cfg: Config,
        source: Source | None,
        *,
        wall: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        dashboards: Sequence[type[DashboardScreen]] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        poller: Poller | None = None,
        feed: Callable[..., Any] | None = None,
    ) -> None:
        keymap = dict(cfg.keys)  # checked by the config layer
        super().__init__()
        self.cfg = cfg
        self.source = source
        self.clock = clock
        self._monotonic = monotonic
        self.dashboards = tuple(dashboards if dashboards is not None else default_dashboards())
        for screen_cls in self.dashboards:
            self.add_mode(screen_cls.MODE, screen_cls)

        # ``feed(on_data=, on_status=, on_notice=, on_alerts=, now=)``: what stands in for the
        # poller, e.g. a collector/viewer ``deskwatch.live.roles.Node`` (it opens its own
        # source, and evaluates the alert rules when it collects: never a viewer)
        callbacks: dict[str, Any] = {
            "on_data": lambda d: self.post_message(DataUpdated(d)),
            "on_status": lambda s: self.post_message(StatusUpdated(s)),
            "on_notice": self._notice,
            "now": clock,
        }
        if feed is not None:
            self.poller: Poller = poller or feed(
                **callbacks, on_alerts=lambda e: self.post_message(AlertsRaised(e))
            )
        elif poller is not None:
            self.poller = poller
        elif source is not None:
            self.poller = Poller(cfg, source, **callbacks)
        else:
            raise ValueError("DeskwatchApp needs a source or a feed")
        #: the app's own alerting when it runs a plain Poller (a Node does its own)
        self.alerting = Alerting(cfg) if feed is None else None
        self.wall = wall
        self.data: DashboardData | None = None
        self.status = PollStatus(interval=self.poller.interval)
        self._last_key = -1e9
        self._last_rotation = 0.0
        self._poller_worker: Worker[None] | None = None
        self.theme = cfg.display.theme
        if keymap:
            self.set_keymap(keymap)

    # -- lifecycle ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        self._last_rotation = self._monotonic()
        if self.dashboards:
            self.switch_mode(self.dashboards[0].MODE)
            self._enter(self.screen)
        self._poller_worker = self.run_worker(
            self._run_poller(), name="poller", group="poller", exit_on_error=False
        )
        if self.cfg.alerts.rules and self.alerting is not None:
            self.run_worker(self.alerting.sender.run(), name="webhook", exit_on_error=False)
        self.set_interval(1.0, self._tick)

    async def _run_poller(self) -> None:
        opener = getattr(self.source, "open", None)
        closer = getattr(self.source, "aclose", None)
        if opener is not None:
            await opener()
        for line in getattr(self.source, "warnings", ()):
            self.notify(line, severity="warning", timeout=15)
        try:
            await self.poller.run()
        finally:
            if closer is not None:
                await closer()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            line = " ".join(str(error).split()) or type(error).__name__
            self.notify(f"{event.worker.name} stopped: {line}", severity="error", timeout=30)
            self.status = replace(
                self.status, errors=self.status.errors + 1, last_error=line, streams=()
            )
            self._refresh_chrome()

    async def stop_poller(self) -> None:
        """Stop polling and let the poller write the cache one last time."""
        worker = self._poller_worker
        if worker is not None and not worker.is_finished:
            worker.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.wait(), timeout=15)

    async def action_quit(self) -> None:
        await self.stop_poller()
        self.exit()

    def _notice(self, severity: str, line: str) -> None:
        level = severity if severity in ("information", "warning", "error") else "information"
        self.notify(line, severity=level, timeout=10)  # type: ignore[arg-type]

    # -- data and status ---------------------------------------------------------------------
    def on_data_updated(self, message: DataUpdated) -> None:
        self._show(message.data)

    def _show(self, data: DashboardData, *, alerts_only: bool = False) -> None:
        """New data (or the clock moved): evaluate the alert rules (unless the feed did),
        then show it."""
        if self.alerting is not None:
            data, events = self.alerting.step(data, self.clock())
            if alerts_only and self.data is not None and data.alerts == self.data.alerts:
                return
            self._announce(events)
        self.data = data
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.show(data)
        self._refresh_chrome()

    def on_alerts_raised(self, message: AlertsRaised) -> None:
        self._announce(message.events)

    def _announce(self, events: Sequence[AlertEvent]) -> None:
        for event in events:
            firing = event.kind == "firing"
            self.notify(
                f"{'⚑ ' if firing else '✓ '}{event.text}",
                severity="error" if firing else "information",
                timeout=20,
            )
            if firing and self.cfg.alerts.bell:
                self.bell()

    def on_status_updated(self, message: StatusUpdated) -> None:
        self.status = message.status
        self._refresh_chrome()

    def on_dashboard_screen_chrome_ready(self, message: DashboardScreen.ChromeReady) -> None:
        self._refresh_chrome(message.screen)

    def _tick(self) -> None:
        alerting = self.alerting
        if self.data is not None and alerting is not None and alerting.states:  # for_minutes
            self._show(self.data, alerts_only=True)
        refresh_status = getattr(self.poller, "refresh_status", None)
        if refresh_status is not None:  # a poll retrying inside the client shows it now
            refresh_status()
        self._refresh_chrome()
        if self.wall and self._rotation_due():
            self.action_cycle(1)

    def _refresh_chrome(self, screen: Any = None) -> None:
        screens = [screen] if screen is not None else list(self.screen_stack)
        now = self.clock()
        tz = self.cfg.account.tz
        for s in screens:
            if not isinstance(s, DashboardScreen):
                continue
            for bar in s.query(StatusBar):
                bar.update_status(self.status, now, tz)
                bar.set_scope(self.scope)
            for age in s.query(LiveAge):
                age.update_age(self.status, now)
            for banner in s.query(PausedBanner):
                banner.set_paused(self.poller.paused)

    @property
    def scope(self) -> str:
        """The filter the figures on screen were computed under ("" when none)."""
        snap = self.data.snapshot if self.data is not None else None
        return str(getattr(snap, "scope", "") or "")

    def _enter(self, screen: Any) -> None:
        """A dashboard became active: wall class, newest data, status."""
        if isinstance(screen, DashboardScreen):
            screen.set_wall(self.wall)
            screen.sub_title = (
                self.cfg.zendesk.base_url.split("://")[-1]
                if self.cfg.zendesk.url or self.cfg.zendesk.subdomain
                else ""
            )
            if self.data is not None:
                screen.show(self.data)
            self._refresh_chrome(screen)

    # -- navigation --------------------------------------------------------------------------
    def dashboard_titles(self) -> list[tuple[str, str]]:
        return [(d.MODE, d.TITLE or MODE_NAMES.get(d.MODE, d.MODE)) for d in self.dashboards]

    def _mode_for_number(self, number: int) -> str | None:
        if 1 <= number <= len(MODE_ORDER):
            mode = MODE_ORDER[number - 1]
            if any(mode == d.MODE for d in self.dashboards):
                return mode
        return None

    def go_to(self, mode: str) -> None:
        if not any(mode == d.MODE for d in self.dashboards):
            self.bell()
            return
        if self.current_mode != mode:
            self.switch_mode(mode)
        self._enter(self.screen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dashboard" and parameters:
            number = parameters[0]
            return isinstance(number, int) and self._mode_for_number(number) is not None
        if action == "cycle":
            return len(self.dashboards) > 1
        return True

    def action_dashboard(self, number: int) -> None:
        mode = self._mode_for_number(number)
        if mode is None:
            self.bell()
            return
        self.go_to(mode)

    def action_cycle(self, step: int) -> None:
        modes = [d.MODE for d in self.dashboards]
        if not modes:
            return
        current = self.current_mode
        index = modes.index(current) if current in modes else -1
        self._last_rotation = self._monotonic()
        self.go_to(modes[(index + step) % len(modes)])

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        figures = getattr(self.screen, "FIGURES", ())
        rows = [(kpi.label, kpi.help, kpi.id) for kpi in figures]
        self.push_screen(HelpScreen(self.help_rows(), figures=rows))

    def help_rows(self) -> list[tuple[str, str, str]]:
        """(keys as shown, description, id) for every deskwatch binding, keymap applied."""
        keymap = self._keymap
        rows = []
        for b in BINDINGS:
            keys = keymap.get(b.id or "", b.key)
            shown = ", ".join(
                self.get_key_display(Binding(k.strip(), b.action)) for k in keys.split(",")
            )
            description = b.description
            if b.action.startswith("dashboard(") and self._mode_for_number(int(b.action[10])):
                description = f"{b.description} dashboard"
            elif b.action.startswith("dashboard("):
                description = f"{b.description} dashboard (not yet built)"
            rows.append((shown, HELP_TEXT.get(b.id or "", description), b.id or ""))
        # the current screen's own keys (the app's, which a screen keeps out of its footer,
        # are listed above)
        own = Binding.make_bindings(getattr(self.screen, "BINDINGS", ()))
        for b in own:
            if b.id and b.id not in BINDING_IDS and b.id not in ("help.close", "drill"):
                keys = keymap.get(b.id, b.key)
                shown = ", ".join(
                    self.get_key_display(Binding(k.strip(), b.action)) for k in keys.split(",")
                )
                rows.append((shown, b.tooltip or b.description, b.id))
        rows.append(
            ("enter, click", "The tickets behind a figure (Esc back; / search, o open)", "")
        )
        rows.append(("ctrl+q, ctrl+c", "Quit (always works)", ""))
        return rows

    # -- polling controls --------------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.poller.paused:
            self.notify("Paused: press p to resume polling first", severity="warning")
            return
        self.poller.refresh_now()
        self.notify("Refreshing every stream now", timeout=2)

    def action_pause(self) -> None:
        if self.poller.paused:
            self.poller.resume()
            self.notify("Polling resumed", timeout=3)
        else:
            self.poller.pause()
        self._refresh_chrome()

    def action_interval(self, direction: int) -> None:
        self.set_poll_interval(None, direction)

    def set_poll_interval(self, seconds: float | None, direction: int = 0) -> None:
        if seconds is None:
            self.poller.step(direction)
        else:
            self.poller.set_interval(seconds)
        self._refresh_chrome()  # the status bar shows "poll N s"

    def _viewer_refuses(self, what: str) -> bool:
        """A viewer shows the collector's figures: it cannot change how they are computed."""
        if getattr(self.poller, "polls", True):
            return False
        self.poller.refuse(what)  # type: ignore[attr-defined]
        return True

    def action_window(self, step: int) -> None:
        """``[`` / ``]``: the KPI window one step down or up :data:`WINDOW_STEPS`."""
        if self._viewer_refuses("the KPI window"):
            return
        days = next_window(self.cfg.kpis.window_days, step)
        if days > self.cfg.sync.history_days:
            self.notify(
                f"Only {self.cfg.sync.history_days} days are synced (sync.history_days)",
                severity="warning",
                timeout=4,
            )
            return
        if days != self.cfg.kpis.window_days:
            self.set_window_days(days)

    def set_window_days(self, days: int) -> None:
        if self._viewer_refuses("the KPI window"):
            return
        self.cfg = replace(self.cfg, kpis=replace(self.cfg.kpis, window_days=days))
        self.poller.reconfigure(self.cfg)
        self.notify(f"KPI window: last {days} days", timeout=3)

    def set_theme(self, name: str) -> None:
        self.theme = name

    # -- drill-down --------------------------------------------------------------------------
    @property
    def records(self) -> Any:
        """The data source holding the cache in this process (drill-down, filter choices):
        the app's own, or the collector node's while this process collects; None: none."""
        if self.source is not None:
            return self.source
        node = self.poller  # a collector/viewer node: only while it collects
        return getattr(node, "source", None) if getattr(node, "polls", True) else None

    def drill(self, target: str | Drill, arg: Arg = None, title: str = "") -> None:
        """List the records behind a figure (a catalogue id, or a :class:`Drill`) and its
        argument (a bar, an hour, a day, an agent); a figure with nothing to list says why."""
        kpi = CATALOGUE.get(target) if isinstance(target, str) else None
        drill = kpi.drill if kpi is not None else target
        if not isinstance(drill, Drill):
            why = kpi.unlisted if kpi is not None else ""
            label = kpi.label if kpi is not None else str(target)
            self.notify(
                f"{label}: {why or 'nothing to list'}", title="No list", timeout=6, markup=False
            )
            return
        lister = getattr(self.records, "drill", None)
        node_drill = getattr(self.poller, "drill", None)
        if lister is None and node_drill is not None:
            # a viewer: the cache the collector saved on this host, or the collector over NATS
            worker = self._drill_from(node_drill, drill, arg, title or str(target))
            self.run_worker(worker, group="drill")
            return
        if lister is None:
            self.notify("No records here: this process holds no cache to list them", timeout=4)
            return
        now = self.clock()
        # the first rows at once (a top-k by id); a longer list follows from a worker thread
        limited = "limit" in inspect.signature(lister).parameters
        rows = lister(drill, arg, now, limit=FIRST_ROWS) if limited else lister(drill, arg, now)
        complete = not limited or rows.height < FIRST_ROWS
        note = self._list_note(drill)
        screen = TicketsScreen(
            title or str(target),
            rows,
            self.cfg.zendesk.base_url,
            kind=drill.stream,
            note=note,
            complete=complete,
        )
        self.push_screen(screen)
        if not complete:

            async def the_rest() -> None:
                screen.set_rows(await asyncio.to_thread(lister, drill, arg, now))

            self.run_worker(the_rest(), group="drill")

    def _list_note(self, drill: Drill) -> str:
        note = self.scope
        if drill.stream == "calls" and note:
            note = "account-wide: calls carry no group or brand"
        return note

    async def _drill_from(self, node_drill: Any, drill: Drill, arg: Arg, title: str) -> None:
        """A viewer's list: every row, listed for the moment its figures were computed."""
        from deskwatch.live.roles import DrillUnavailable

        now = self.data.now if self.data is not None else self.clock()
        try:
            got = await node_drill(drill, arg, now)
        except DrillUnavailable as exc:
            self.notify(f"No list: {exc}", severity="warning", timeout=8, markup=False)
            return
        note = "; ".join(n for n in (self._list_note(drill), got.note) if n)
        screen = TicketsScreen(
            title, got.rows, self.cfg.zendesk.base_url, kind=drill.stream, note=note
        )
        self.push_screen(screen)

    # -- filters -----------------------------------------------------------------------------
    def filter_choices(self) -> FilterChoices | None:
        """What the filter bar offers (None: this process holds no cache to list them)."""
        lister = getattr(self.records, "filter_choices", None)
        return None if lister is None else cast(FilterChoices, lister())

    def action_filter(self) -> None:
        if isinstance(self.screen, FilterScreen) or self._viewer_refuses("the filter"):
            return
        choices = self.filter_choices()
        if choices is None:
            self.notify("Filters need the collector's cache; set [filters] in the config")
            return
        f = self.cfg.filters
        self.push_screen(
            FilterScreen(
                choices,
                tuple(g for g in f.groups if isinstance(g, int)),
                tuple(b for b in f.brands if isinstance(b, int)),
                tuple(f.channels),
            ),
            callback=self._filter_picked,
        )

    def _filter_picked(self, pick: FilterPick | None) -> None:
        if pick is not None:
            self.set_filter(pick.groups, pick.brands, pick.channels, quiet=pick.save)
            if pick.save:
                self.save_filter()

    def save_filter(self) -> None:
        """Write the active filter to the config file's ``[filters]`` (the rest of the file
        kept); a toast confirms, or says in one line why not."""
        choices = self.filter_choices()
        names = {} if choices is None else dict((*choices.groups, *choices.brands))
        try:
            path = save_filters(self.cfg.source, self.cfg.filters, names)
        except ConfigError as exc:
            self.notify(
                str(exc), title="Filter not saved", severity="error", timeout=10, markup=False
            )
            return
        what = self.scope or "no filter (every ticket)"
        self.notify(
            f"Saved to [filters] in {path}: {what}", title="Filter saved", timeout=6, markup=False
        )

    def set_filter(
        self,
        groups: Sequence[str | int] = (),
        brands: Sequence[str | int] = (),
        channels: Sequence[str] = (),
        *,
        quiet: bool = False,
    ) -> None:
        """Count only these tickets on every dashboard (empty: every ticket)."""
        filters = FiltersConfig(tuple(groups), tuple(brands), tuple(channels))
        if filters == self.cfg.filters or self._viewer_refuses("the filter"):
            return
        self.cfg = replace(self.cfg, filters=filters)
        self.poller.reconfigure(self.cfg)
        if quiet:
            return
        if not filters.active:
            self.notify("Filter cleared: every ticket counts", timeout=4)
            return
        self.notify(
            "Filter on. To keep it: ctrl+s in the filter bar, or the palette's "
            "'Filter: save to the config'",
            timeout=8,
        )

    # -- wall mode ---------------------------------------------------------------------------
    def action_wall(self) -> None:
        self.wall = not self.wall
        self._last_rotation = self._monotonic()
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.set_wall(self.wall)

    def _rotation_due(self) -> bool:
        period = float(self.cfg.display.rotate_seconds)
        if period <= 0 or len(self.dashboards) < 2:
            return False
        now = self._monotonic()
        return now - self._last_rotation >= period and now - self._last_key >= period

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = self._monotonic()  # any key holds the wall rotation
        await super().on_event(event)
