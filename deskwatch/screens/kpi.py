"""The KPI dashboard (``2``): renders :class:`deskwatch.views.kpi.KpiView`.

Passive and thin, like the operations screen: the pure ``view`` decides every text; this module
only lays the widgets out and updates them in place. Layout: a title line (the window), the
tiles, three bar lists (status, type, channel), four trends (CSAT, first reply, full
resolution, backlog) two by two. Under 34 rows the trends are sparklines (80×24 fits with the
tiles and bars); from 34 rows plotext charts with their target lines fill the height. Under 70
columns everything stacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from deskwatch.kpis import catalogue as k
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DashboardScreen, Target
from deskwatch.views import kpi
from deskwatch.views.figures import BarsView, SeriesView, badges
from deskwatch.views.kpi import KpiView
from deskwatch.widgets.bar_list import BarList
from deskwatch.widgets.kpi_tile import KpiTile
from deskwatch.widgets.trend_panel import TrendPanel


def dom_id(kpi_id: str) -> str:
    """The DOM id of the widget showing the catalogue figure ``kpi_id``."""
    return "kpi-" + kpi_id.replace(".", "-")


#: bar list figure -> where the view holds it
BARS: dict[str, Callable[[KpiView], BarsView]] = {
    k.STATUS.id: lambda v: v.status,
    k.BY_TYPE.id: lambda v: v.by_type,
    k.BY_CHANNEL.id: lambda v: v.by_channel,
}
#: trend figure -> (title, unit, up is good, where the view holds it)
TRENDS: dict[str, tuple[str, str, bool, Callable[[KpiView], SeriesView]]] = {
    k.CSAT_DAILY.id: ("CSAT by day", "ratio", True, lambda v: v.csat),
    k.FIRST_REPLY_MINUTES.id: (
        "First reply · daily median",
        "minutes",
        False,
        lambda v: v.first_reply,
    ),
    k.FULL_RESOLUTION_MINUTES.id: (
        "Full resolution · daily median",
        "minutes",
        False,
        lambda v: v.full_resolution,
    ),
    k.BACKLOG_DAILY.id: ("Backlog · unsolved at end of day", "count", False, lambda v: v.backlog),
}


class KpiScreen(DashboardScreen):
    """Tiles over the window, status/type/channel bars, CSAT and time trends, backlog."""

    MODE: ClassVar[str] = "kpi"
    TITLE: ClassVar[str | None] = "KPIs"
    FIGURES: ClassVar[tuple[k.Kpi[Any], ...]] = kpi.FIGURES

    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (70, "-narrow"), (110, "-medium"), (170, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # noqa: RUF012

    DEFAULT_CSS = """
    KpiScreen {
        #kpi-body { height: 1fr; }
        #kpi-title { height: 1; width: 1fr; color: $text-muted; text-wrap: nowrap; }
        #kpi-title.-partial { color: $warning; }
        #kpi-tiles { grid-size: 6; grid-gutter: 0 0; height: auto; }
        #kpi-bars { height: auto; }
        .kpi-bars-box {
            width: 1fr;
            height: auto;
            border: round $foreground 30%;
            border-title-color: $foreground;
            background: $surface;
            padding: 0 1;
        }
        .kpi-bars-box.-stale { border: round $warning; border-subtitle-color: $warning; }
        #kpi-reopened { color: $text-muted; height: auto; }
        #kpi-trends { grid-size: 2; grid-gutter: 0 0; height: auto; grid-rows: auto; }
        #kpi-cost-hint { color: $text-muted; height: auto; }

        &.-no-cost #kpi-tiles { grid-size: 5; }
        &.-tall #kpi-trends { height: 1fr; min-height: 20; grid-rows: 1fr; }
        &.-short #kpi-reopened { display: none; }
        &.-narrow KpiTile, &.-tiny KpiTile {
            border-left: none;
            border-right: none;
            padding: 0 0 0 1;
        }
        &.-tiny #kpi-tiles { grid-size: 2; }
        &.-tiny #kpi-bars { layout: vertical; }
        &.-tiny #kpi-trends { grid-size: 1; }

        &.-wall #kpi-tiles { grid-size: 3; }
        &.-wall.-wide #kpi-tiles { grid-size: 6; }
        &.-wall.-tiny #kpi-tiles { grid-size: 2; }
        &.-wall.-short #kpi-bars { display: none; }
        &.-wall #kpi-body { scrollbar-size-vertical: 0; }
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="kpi-body"):
            yield Static("", id="kpi-title", markup=False)
            with Grid(id="kpi-tiles"):
                for figure in kpi.TILES:
                    yield KpiTile(figure.label, up_is_good=figure.up_is_good, id=dom_id(figure.id))
            with Horizontal(id="kpi-bars"):
                for figure_id in BARS:
                    with Vertical(classes="kpi-bars-box", id=dom_id(figure_id) + "-box") as box:
                        box.border_title = k.CATALOGUE[figure_id].label
                        yield BarList(id=dom_id(figure_id))
                        if figure_id == k.STATUS.id:
                            yield Static("", id="kpi-reopened", markup=False)
            with Grid(id="kpi-trends"):
                for figure_id, (title, unit, up, _) in TRENDS.items():
                    yield TrendPanel(title, unit=unit, up_is_good=up, id=dom_id(figure_id))
            yield Static("", id="kpi-cost-hint", markup=False)

    def build_view(self, data: DashboardData) -> KpiView:
        return kpi.view(data.snapshot, data.cfg, data.now, partial=data.partial)

    _shown: KpiView | None = None

    def drill_targets(self) -> list[Target]:
        view = self._shown
        if view is None:
            return []
        targets: list[Target] = []
        for t in view.tiles:
            targets += self.figure_targets(k.CATALOGUE[t.id])
        for figure in (k.CSAT_GOOD, k.CSAT_BAD, k.CSAT_TODAY):
            targets += self.figure_targets(figure)
        for figure_id, part in BARS.items():
            names = {b.key: b.label for b in part(view).bars}
            targets += self.figure_targets(k.CATALOGUE[figure_id], names)
        for figure_id, trend in TRENDS.items():
            if figure_id != k.CSAT_DAILY.id:  # its days: Enter on CSAT lists the window's
                targets.append((trend[0], figure_id, None))
        return targets

    def drill_target_of(self, widget: Any, event: events.Click) -> Target | None:
        view = self._shown
        if view is None or not widget.id:
            return None
        if isinstance(widget, KpiTile):
            figure = next((f for f in kpi.TILES if dom_id(f.id) == widget.id), None)
            return None if figure is None else self.figure_target(figure)
        if isinstance(widget, BarList):
            figure_id = next((f for f in BARS if dom_id(f) == widget.id), None)
            offset = event.get_content_offset(widget)
            bar = None if offset is None else widget.bar_at(offset.y)
            if figure_id is None or bar is None or bar.key is None:
                return None
            return self.figure_target(k.CATALOGUE[figure_id], bar.key)
        if isinstance(widget, TrendPanel):
            figure_id = next((f for f in TRENDS if dom_id(f) == widget.id), None)
            if figure_id == k.CSAT_DAILY.id:  # the ratings behind the window's score
                return self.figure_target(k.CSAT_SCORE)
            if figure_id is not None:
                return (TRENDS[figure_id][0], figure_id, None)
        return None

    def render_view(self, view: KpiView) -> None:
        self._shown = view
        title = self.query_one("#kpi-title", Static)
        hint = "  [ ] window 7/30/90"
        title.update(f"{view.title}{hint}" + (f" · {view.partial}" if view.partial else ""))
        title.set_class(bool(view.partial), "-partial")
        shown = {t.id for t in view.tiles}
        self.set_class(k.COST_PER_TICKET.id not in shown, "-no-cost")
        for figure in kpi.TILES:
            self.query_one(f"#{dom_id(figure.id)}").display = figure.id in shown
        for t in view.tiles:
            self.query_one(f"#{dom_id(t.id)}", KpiTile).update_tile(
                t.value,
                digits=t.digits,
                delta=t.delta,
                versus=t.versus,
                value_verdict=t.verdict,
                stale=self.is_stale(t.streams),
                partial=t.partial,
            )
        for figure_id, part in BARS.items():
            bars = part(view)
            self.query_one(f"#{dom_id(figure_id)}", BarList).set_bars(bars.bars)
            box = self.query_one(f"#{dom_id(figure_id)}-box")
            stale = self.is_stale(bars.streams)
            box.set_class(stale, "-stale")
            box.border_subtitle = badges(stale=stale, partial=bars.partial)
        self.query_one("#kpi-reopened", Static).update(view.reopened)
        for figure_id, trend in TRENDS.items():
            s = trend[3](view)
            self.query_one(f"#{dom_id(figure_id)}", TrendPanel).update_series(
                s.summary,
                s.dates,
                s.values,
                s.target,
                verdict=s.verdict,
                stale=self.is_stale(s.streams),
                partial=s.partial,
                short=s.short,
            )
        hint_line = self.query_one("#kpi-cost-hint", Static)
        hint_line.update(view.cost_hint)
        hint_line.display = bool(view.cost_hint)
