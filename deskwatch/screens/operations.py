"""The operations dashboard: renders :class:`deskwatch.views.operations.OperationsView`.

Passive and thin: what it shows is computed by the pure ``view`` (unit-tested without a
terminal); :meth:`render_view` updates the mounted widgets in place (nothing is remounted,
unchanged widgets are left alone). Layout only: at 80×24 the whole screen fits (tiles in one
row, the reply/resolution tables, the hourly chart); from 34 rows the panels add their 30-day
trend; from 110 columns the unsolved tile joins the row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll

from deskwatch.format import fmt_count
from deskwatch.kpis import catalogue
from deskwatch.kpis.catalogue import Kpi
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DashboardScreen, Target
from deskwatch.views import operations
from deskwatch.views.figures import DurationView
from deskwatch.views.operations import OperationsView
from deskwatch.widgets.duration_panel import DurationPanel
from deskwatch.widgets.hourly_bars import HourlyBars
from deskwatch.widgets.kpi_tile import KpiTile


def tile_dom_id(kpi_id: str) -> str:
    """The DOM id of the tile showing the catalogue figure ``kpi_id``."""
    return "tile-" + kpi_id.replace(".", "-")


#: panel DOM id -> (its figure, where the view holds it)
PANELS: dict[str, tuple[Kpi[Any], Callable[[OperationsView], DurationView]]] = {
    "panel-first-reply": (catalogue.FIRST_REPLY_MINUTES, lambda v: v.first_reply),
    "panel-resolution": (catalogue.FULL_RESOLUTION_MINUTES, lambda v: v.full_resolution),
}


#: the hourly chart's series, left bar first, and where the view holds them
HOURLY: tuple[tuple[Kpi[Any], Callable[[OperationsView], tuple[int, ...]]], ...] = (
    (catalogue.CREATED_PER_HOUR, lambda v: v.hourly.created),
    (catalogue.SOLVED_PER_HOUR, lambda v: v.hourly.solved),
)


def hour_text(kpi: Kpi[Any], hour: int, count: str) -> str:
    return f"{kpi.label.capitalize()} {hour:02d}:00–{hour + 1:02d}:00: {count}"


class OperationsScreen(DashboardScreen):
    """Tiles for today's counts, first-reply and resolution panels, hourly created vs solved."""

    MODE: ClassVar[str] = "ops"
    TITLE: ClassVar[str | None] = "Operations"
    FIGURES: ClassVar[tuple[Kpi[Any], ...]] = operations.FIGURES

    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-tiny"),
        (70, "-narrow"),
        (110, "-medium"),
        (170, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]  # noqa: RUF012

    DEFAULT_CSS = """
    OperationsScreen {
        #ops-body { height: 1fr; }
        #ops-tiles { grid-size: 6; grid-gutter: 0 0; height: auto; }
        #ops-times { height: auto; }
        #ops-times DurationPanel { width: 1fr; }
        #ops-hourly-box {
            height: 1fr;
            min-height: 8;
            border: round $foreground 30%;
            border-title-color: $foreground;
            background: $surface;
        }
        #ops-hourly-box.-stale { border: round $warning; border-subtitle-color: $warning; }
        HourlyBars { height: 1fr; min-height: 5; }

        &.-narrow #ops-tiles, &.-tiny #ops-tiles { grid-size: 5; }
        &.-narrow .-wide-only, &.-tiny .-wide-only { display: none; }
        .-wall-only { display: none; }
        /* every tile of the row keeps the "vs typical" line, so the row stays even */
        #ops-tiles KpiTile .tile--typical { display: block; }
        &.-wall .-wall-only { display: block; }
        /* 16 columns a tile at 80: no side borders, so "Created today" and "66% of unsolved" fit */
        &.-narrow KpiTile { border-left: none; border-right: none; padding: 0 0 0 1; }
        &.-wall.-narrow KpiTile {
            border-left: round $foreground 30%;
            border-right: round $foreground 30%;
            padding: 0 1;
        }
        &.-short #ops-times TrendChart { display: none; }
        &.-tall #ops-times { height: 1fr; min-height: 16; }
        &.-tall #ops-times DurationPanel { height: 1fr; }
        &.-tall #ops-hourly-box { min-height: 10; }

        &.-tiny #ops-tiles { grid-size: 2; }
        &.-tiny #ops-times { layout: vertical; height: auto; }
        &.-tiny #ops-times DurationPanel { height: auto; }

        &.-wall #ops-tiles { grid-size: 3; }
        &.-wall.-wide #ops-tiles { grid-size: 6; }
        &.-wall.-tiny #ops-tiles { grid-size: 2; }
        &.-wall #ops-times DurationPanel { height: auto; }
        &.-wall #ops-body { scrollbar-size-vertical: 0; }
        /* a short wall has no room for the chart under big tiles: the projection says it */
        &.-wall.-short #ops-hourly-box { display: none; }
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ops-body"):
            with Grid(id="ops-tiles"):
                for kpi, wide_only in operations.TILES:
                    yield KpiTile(
                        kpi.label,
                        up_is_good=kpi.up_is_good,
                        id=tile_dom_id(kpi.id),
                        classes="-wide-only" if wide_only else None,
                    )
                yield KpiTile("By end of day", id="ops-projection", classes="-wall-only")
            with Horizontal(id="ops-times"):
                for panel_id, (kpi, _) in PANELS.items():
                    yield DurationPanel(kpi.label, id=panel_id)
            with Vertical(id="ops-hourly-box") as box:
                box.border_title = "Created vs solved per hour today"
                labels = (catalogue.CREATED_PER_HOUR.label, catalogue.SOLVED_PER_HOUR.label)
                yield HourlyBars(labels, id="ops-hourly")

    def build_view(self, data: DashboardData) -> OperationsView:
        return operations.view(data.snapshot, data.cfg, data.now, data.firing, data.partial)

    _shown: OperationsView | None = None

    def render_view(self, view: OperationsView) -> None:
        self._shown = view
        for t in view.tiles:
            self.query_one(f"#{tile_dom_id(t.id)}", KpiTile).update_tile(
                t.value,
                digits=t.digits,
                delta=t.delta,
                versus=t.versus,
                stale=self.is_stale(t.streams),
                typical=(t.typical, t.typical_short),
                typical_verdict=t.typical_verdict,
                alert=t.alert,
                partial=t.partial,
            )
        for panel_id, (_, part) in PANELS.items():
            self._render_panel(panel_id, part(view))
        h = view.hourly
        self.query_one(HourlyBars).set_counts(
            h.created, h.solved, (h.typical_created, h.typical_solved)
        )
        created, solved = view.projections
        known = created.expected != "-"
        self.query_one("#ops-projection", KpiTile).update_tile(
            created.expected,
            versus=f"created {created.range}" if known else created.range,
            typical=(f"solved {solved.expected} ({solved.range})", f"solved {solved.expected}")
            if solved.expected != "-"
            else ("", ""),
            stale=self.is_stale(h.streams),
        )
        box = self.query_one("#ops-hourly-box")
        stale = self.is_stale(view.hourly.streams)
        box.set_class(stale, "-stale")
        box.border_subtitle = "STALE" if stale else ""

    def drill_targets(self) -> list[Target]:
        view = self._shown
        if view is None:
            return []
        targets: list[Target] = [(f"{t.label}: {t.value}", t.id, None) for t in view.tiles]
        targets += [(kpi.label, kpi.id, None) for kpi, _ in PANELS.values()]
        for kpi, counts in HOURLY:
            targets += [
                (hour_text(kpi, h, fmt_count(n)), kpi.id, h) for h, n in enumerate(counts(view))
            ]
        return targets

    def drill_target_of(self, widget: Any, event: events.Click) -> Target | None:
        view = self._shown
        if view is None:
            return None
        if isinstance(widget, KpiTile) and widget.id:
            for t in view.tiles:
                if tile_dom_id(t.id) == widget.id:
                    return (f"{t.label}: {t.value}", t.id, None)
        if isinstance(widget, DurationPanel) and widget.id in PANELS:
            kpi = PANELS[widget.id][0]
            return (kpi.label, kpi.id, None)
        if isinstance(widget, HourlyBars):
            offset = event.get_content_offset(widget)
            at = None if offset is None else widget.hour_at(offset.x)
            if at is not None:
                hour, series = at
                kpi, counts = HOURLY[series]
                return (hour_text(kpi, hour, fmt_count(counts(view)[hour])), kpi.id, hour)
        return None

    def _render_panel(self, panel_id: str, d: DurationView) -> None:
        self.query_one(f"#{panel_id}", DurationPanel).update_panel(
            d.periods, d.daily, d.target, stale=self.is_stale(d.streams), partial=d.partial
        )
