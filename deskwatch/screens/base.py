"""The base every dashboard screen derives from: the app calls :meth:`show` with new data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from textual import events, on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header

from deskwatch.config import DEFAULT_KEYS
from deskwatch.format import fmt_count
from deskwatch.kpis.catalogue import Kpi
from deskwatch.kpis.drill import Arg
from deskwatch.live.alerting import status_lines
from deskwatch.live.dashboard import DashboardData
from deskwatch.widgets.status_bar import PausedBanner, StatusBar

#: app bindings a screen may keep out of its footer: id -> the app's action
_APP_ACTIONS = {**{f"dashboard.{n}": f"dashboard({n})" for n in range(1, 5)}, "filter": "filter"}
DASHBOARD_KEYS = tuple(f"dashboard.{n}" for n in range(1, 5))


def quiet_app_keys(*binding_ids: str) -> list[BindingType]:
    """For a screen with keys of its own (a drill-down list, an agent's page): app bindings
    that stay bound but leave its footer, so that it fits in 80 columns (help lists every
    key). Same ids, so ``[keys]`` remaps them too."""
    return [
        Binding(DEFAULT_KEYS[i], f"app.{_APP_ACTIONS[i]}", show=False, id=i) for i in binding_ids
    ]


#: a figure on a screen that Enter or a click may list: (what it says, catalogue id, argument)
Target = tuple[str, str, Arg]
#: what a drill's stream lists, as the picker counts it
NOUNS = {"tickets": "tickets", "ratings": "ratings", "calls": "calls"}


class DashboardScreen(Screen[None]):
    """A dashboard (one app mode). Passive: it renders what :meth:`show` hands it.

    What every dashboard would otherwise repeat lives here:

    - **Buffering**: the app calls ``show`` whenever data arrives and whenever the mode is
      (re)entered, possibly before the screen is mounted; the newest data is kept and rendered
      once the screen is ready.
    - **The view**: a subclass implements :meth:`build_view` (usually its ``views`` module's
      pure ``view(snapshot, cfg, now)``) and :meth:`render_view`, which only updates widgets.
    - **Staleness**: :meth:`is_stale` says whether any of a figure's source streams (from the
      KPI catalogue, carried by the view) is stale in the data being rendered.
    - **Wall mode**: :meth:`set_wall` toggles the ``-wall`` class; widgets style their own wall
      look with ``.-wall <Widget>`` rules in their DEFAULT_CSS.
    - **Chrome**: header, PAUSED banner, status bar and footer, docked top and bottom, mounted
      here; subclasses compose only their body.
    """

    #: Mode name used by the app (``ops``, ``kpi``, ``talk``, ``agents``).
    MODE: ClassVar[str] = ""
    #: Human title shown in the header, the help screen and the command palette.
    TITLE: ClassVar[str | None] = None
    #: CSS class the app sets on dashboard screens while wall mode is on.
    WALL_CLASS: ClassVar[str] = "-wall"
    #: The catalogue figures the screen shows (the help screen lists them).
    FIGURES: ClassVar[tuple[Kpi[Any], ...]] = ()

    DEFAULT_CSS = """
    DashboardScreen {
        #chrome-top { dock: top; height: auto; }
        #chrome-bottom { dock: bottom; height: auto; }
        #chrome-top > Header { dock: none; }
        #chrome-bottom > Footer { dock: none; }
        &.-wall #chrome-top > Header { display: none; }
        &.-wall #chrome-bottom > Footer { display: none; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "drill", "Records", id="drill", show=False),
    ]

    _chrome_mounted = False
    _ready = False
    _data: DashboardData | None = None

    class ChromeReady(Message):
        """Posted (bubbling to the app) once the chrome is mounted, so it can be filled in."""

        def __init__(self, screen: DashboardScreen) -> None:
            super().__init__()
            self.screen = screen

    @property
    def wall(self) -> bool:
        """True while the app is in wall mode (big figures, no chrome)."""
        return self.has_class(self.WALL_CLASS)

    def set_wall(self, on: bool) -> None:
        self.set_class(on, self.WALL_CLASS)

    @property
    def data(self) -> DashboardData | None:
        """The data shown (or about to be, before the screen is mounted)."""
        return self._data

    def show(self, data: DashboardData) -> None:
        """Render ``data`` now, or as soon as the screen is mounted."""
        self._data = data
        if self._ready:
            self._render_data(data)

    def _render_data(self, data: DashboardData) -> None:
        self.render_view(self.build_view(data))
        for bar in self.query(StatusBar):
            bar.set_alerts(status_lines(data.alerts))

    def is_stale(self, streams: Iterable[str]) -> bool:
        """Whether a figure computed from ``streams`` is stale in the data being rendered."""
        stale = self._data.stale if self._data is not None else frozenset()
        return any(s in stale for s in streams)

    def build_view(self, data: DashboardData) -> Any:
        """The screen's view model for ``data`` (pure; no Textual). Override."""
        return None

    def render_view(self, view: Any) -> None:
        """Update the mounted widgets from ``view``; no I/O, no KPI code. Override."""

    # -- drill-down: the records behind a figure --------------------------------------------
    def drill_targets(self) -> list[Target]:
        """(what it says, catalogue id, argument) for each figure on the screen: Enter offers
        them in a picker (a figure that lists nothing is shown with the reason, disabled).
        Override."""
        return []

    def figure_targets(
        self, kpi: Kpi[Any], names: Mapping[Any, str] | None = None, what: str = ""
    ) -> list[Target]:
        """The picker's options for ``kpi``: one per list behind it (each bar of a chart),
        saying how many records it holds (the catalogue's count); or the figure alone (it
        lists nothing: the picker says why). ``names``: how the bars' arguments read."""
        label = what or kpi.label
        if kpi.drill is None:
            return [(label, kpi.id, None)]
        snap = self._data.snapshot if self._data is not None else None
        noun = NOUNS.get(kpi.drill.stream, "records")
        targets: list[Target] = []
        for arg, n in kpi.drill_counts(snap):
            name = label if arg is None else f"{label} · {(names or {}).get(arg, arg)}"
            targets.append((f"{name}: {fmt_count(n)} {noun}", kpi.id, arg))
        return targets

    def figure_target(self, kpi: Kpi[Any], arg: Arg = None, what: str = "") -> Target:
        """The option of ``kpi`` (and a bar's ``arg``) as :meth:`figure_targets` words it."""
        for target in self.figure_targets(kpi, what=what):
            if target[2] == arg:
                return target
        return (what or kpi.label, kpi.id, arg)

    def drill_target_of(self, widget: Any, event: events.Click) -> Target | None:
        """The figure a click on ``widget`` (or inside it) drills into; None: none. Override."""
        return None

    def action_drill(self) -> None:
        targets = self.drill_targets()
        if not targets:
            return
        from deskwatch.screens.drill_picker import DrillPicker

        self.app.push_screen(DrillPicker(targets), callback=self._drill_chosen)

    def _drill_chosen(self, chosen: tuple[str, Arg, str] | None) -> None:
        opener = getattr(self.app, "drill", None)
        if chosen is not None and opener is not None:
            kpi_id, arg, title = chosen
            opener(kpi_id, arg, title)

    @on(events.Click)
    def _clicked(self, event: events.Click) -> None:
        widget = event.widget
        while widget is not None and widget is not self:
            target = self.drill_target_of(widget, event)
            if target is not None:
                text, kpi_id, arg = target
                self._drill_chosen((kpi_id, arg, text.rsplit(": ", 1)[0]))
                return
            widget = widget.parent  # type: ignore[assignment]

    @on(events.Mount)
    async def _mount_chrome(self, event: events.Mount) -> None:
        # a decorated handler: subclasses keep their own ``on_mount`` free
        if self._chrome_mounted:
            return
        self._chrome_mounted = True
        await self.mount(Vertical(Header(), PausedBanner(), id="chrome-top"))
        await self.mount(Vertical(StatusBar(), Footer(compact=True), id="chrome-bottom"))
        self._ready = True
        if self._data is not None:
            self._render_data(self._data)
        self.post_message(self.ChromeReady(self))
