"""The base every dashboard screen derives from: the app calls :meth:`show` with new data."""

from __future__ import annotations

from typing import ClassVar

from textual.screen import Screen

from deskwatch.dashboard import DashboardData


class DashboardScreen(Screen[None]):
    """A dashboard (one app mode). Passive: it renders what :meth:`show` hands it.

    The app calls ``show`` on the active dashboard whenever new data arrives and whenever its
    mode is (re)entered, so a screen never has to fetch anything itself. In wall mode the app
    adds the CSS class ``-wall`` to every dashboard screen (see :attr:`WALL_CLASS`); screens
    style their big-figure layout with ``DashboardScreen.-wall ...`` rules in their CSS.
    """

    #: Mode name used by the app (``ops``, ``kpi``, ``talk``, ``agents``).
    MODE: ClassVar[str] = ""
    #: Human title shown in the header, the help screen and the command palette.
    TITLE: ClassVar[str | None] = None
    #: CSS class the app sets on dashboard screens while wall mode is on.
    WALL_CLASS: ClassVar[str] = "-wall"

    @property
    def wall(self) -> bool:
        """True while the app is in wall mode (big figures, no chrome)."""
        return self.has_class(self.WALL_CLASS)

    def show(self, data: DashboardData) -> None:
        """Render ``data``. Override; must not do I/O or compute KPIs. The default does nothing."""
