"""The base every dashboard screen derives from: the app calls :meth:`show` with new data."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header

from deskwatch.live.dashboard import DashboardData
from deskwatch.widgets.status_bar import PausedBanner, StatusBar


class DashboardScreen(Screen[None]):
    """A dashboard (one app mode). Passive: it renders what :meth:`show` hands it.

    The app calls ``show`` on the active dashboard whenever new data arrives and whenever its
    mode is (re)entered, so a screen never has to fetch anything itself. In wall mode the app
    adds the CSS class ``-wall`` to every dashboard screen (see :attr:`WALL_CLASS`); screens
    style their big-figure layout with ``DashboardScreen.-wall ...`` rules in their CSS.

    The chrome (header, PAUSED banner, status bar, footer) is mounted by this base class when
    the screen mounts, docked top and bottom: subclasses compose only their body and must not
    yield a Header/Footer of their own.
    """

    #: Mode name used by the app (``ops``, ``kpi``, ``talk``, ``agents``).
    MODE: ClassVar[str] = ""
    #: Human title shown in the header, the help screen and the command palette.
    TITLE: ClassVar[str | None] = None
    #: CSS class the app sets on dashboard screens while wall mode is on.
    WALL_CLASS: ClassVar[str] = "-wall"

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

    _chrome_mounted = False

    class ChromeReady(Message):
        """Posted (bubbling to the app) once the chrome is mounted, so it can be filled in."""

        def __init__(self, screen: DashboardScreen) -> None:
            super().__init__()
            self.screen = screen

    @property
    def wall(self) -> bool:
        """True while the app is in wall mode (big figures, no chrome)."""
        return self.has_class(self.WALL_CLASS)

    def show(self, data: DashboardData) -> None:
        """Render ``data``. Override; must not do I/O or compute KPIs. The default does nothing."""

    @on(events.Mount)
    async def _mount_chrome(self, event: events.Mount) -> None:
        # a decorated handler: subclasses keep their own ``on_mount`` free
        if self._chrome_mounted:
            return
        self._chrome_mounted = True
        await self.mount(Vertical(Header(), PausedBanner(), id="chrome-top"))
        await self.mount(Vertical(StatusBar(), Footer(compact=True), id="chrome-bottom"))
        self.post_message(self.ChromeReady(self))
