"""The Talk dashboard (``3``): renders :class:`deskwatch.views.talk.TalkView`.

Passive and thin: the pure ``view`` decides every text. Layout: a line with the age of the live
data, eight live tiles (queue and agents), then unsuccessful calls (today by reason, stacked
bars per day) beside efficiency (today, window, target), then the top agents beside call
quality. Under 34 rows the stacked chart is left out and quality is a sparkline; under 70
columns everything stacks. When Talk is off (config) or refused (account) one calm panel says
so and how to turn it on; nothing else is shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from deskwatch.kpis import catalogue_talk as t
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.pollstate import PollStatus
from deskwatch.screens.base import DashboardScreen, Target
from deskwatch.views import talk
from deskwatch.views.figures import badges
from deskwatch.views.talk import TalkView, live_age
from deskwatch.widgets.bar_list import BarList
from deskwatch.widgets.figure_table import FigureTable
from deskwatch.widgets.kpi_tile import KpiTile
from deskwatch.widgets.stacked_bars import STYLES, StackedBars
from deskwatch.widgets.trend_panel import TrendPanel


class LiveAge(Static):
    """How old the live figures are; the app updates it every second from the poll status."""

    def update_age(self, status: PollStatus, now: datetime) -> None:
        self.update(live_age({s.name: s.last_ok for s in status.streams}, now))


def dom_id(kpi_id: str) -> str:
    """The DOM id of the widget showing the catalogue figure ``kpi_id``."""
    return "talk-" + kpi_id.replace(".", "-")


class TalkScreen(DashboardScreen):
    """Live queue and agents, unsuccessful calls, efficiency, top agents, quality."""

    MODE: ClassVar[str] = "talk"
    TITLE: ClassVar[str | None] = "Talk"
    FIGURES: ClassVar[tuple[t.Kpi[Any], ...]] = talk.FIGURES

    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (70, "-narrow"), (110, "-medium"), (170, "-wide")]  # noqa: RUF012
    # under 32 rows (80x24) the lower row (top agents, quality) goes: the live tiles, the
    # unsuccessful calls and the efficiency table fit without scrolling; the agents dashboard
    # and help still have them
    VERTICAL_BREAKPOINTS = [(0, "-shortest"), (32, "-short"), (34, "-tall")]  # noqa: RUF012

    DEFAULT_CSS = """
    TalkScreen {
        #talk-body { height: 1fr; }
        #talk-age { height: 1; color: $text-muted; text-wrap: nowrap; }
        #talk-live { grid-size: 4; grid-gutter: 0 0; height: auto; }
        .talk-row { height: auto; }
        .talk-box {
            width: 1fr;
            height: auto;
            border: round $foreground 30%;
            border-title-color: $foreground;
            border-subtitle-color: $warning;
            background: $surface;
            padding: 0 1;
        }
        .talk-box.-stale { border: round $warning; }
        #talk-calls-today { color: $text-muted; }
        StackedBars { height: 1fr; min-height: 4; }
        #talk-off {
            margin: 2 4;
            padding: 1 2;
            height: auto;
            border: round $accent;
            background: $surface;
        }

        &.-wide #talk-live { grid-size: 8; }
        &.-narrow KpiTile, &.-tiny KpiTile {
            border-left: none;
            border-right: none;
            padding: 0 0 0 1;
        }
        &.-tiny #talk-live { grid-size: 2; }
        &.-tiny .talk-row { layout: vertical; }
        &.-short StackedBars, &.-shortest StackedBars { display: none; }
        &.-shortest #talk-lower { display: none; }
        &.-tall .talk-row { height: 1fr; }
        &.-tall .talk-box { height: 1fr; }
        &.-tall #talk-quality { height: 1fr; }

        &.-wall #talk-live { grid-size: 4; }
        &.-wall.-tiny #talk-live { grid-size: 2; }
        &.-wall #talk-body { scrollbar-size-vertical: 0; }
        &.-off #talk-body { display: none; }
        #talk-off { display: none; }
        &.-off #talk-off { display: block; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="talk-off", markup=False)
        with VerticalScroll(id="talk-body"):
            yield LiveAge("Live", id="talk-age", markup=False)
            with Grid(id="talk-live"):
                for kpi in talk.LIVE:
                    yield KpiTile(kpi.label, up_is_good=kpi.up_is_good, id=dom_id(kpi.id))
            with Horizontal(classes="talk-row"):
                with Vertical(classes="talk-box", id="talk-unsuccessful") as box:
                    box.border_title = "Unsuccessful inbound calls"
                    yield Static("", id="talk-calls-today", markup=False)
                    yield BarList(styles=STYLES, id=dom_id(t.UNSUCCESSFUL_TODAY.id))
                    yield StackedBars(id=dom_id(t.UNSUCCESSFUL_DAILY.id))
                with Vertical(classes="talk-box", id="talk-efficiency") as box:
                    box.border_title = "Efficiency"
                    yield FigureTable(id="talk-efficiency-table")
            with Horizontal(classes="talk-row", id="talk-lower"):
                with Vertical(classes="talk-box", id="talk-activity") as box:
                    box.border_title = "Top agents by calls accepted"
                    yield FigureTable(id=dom_id(t.TOP_AGENTS.id))
                yield TrendPanel(
                    "Quality · calls without issues",
                    unit="ratio",
                    up_is_good=True,
                    id="talk-quality",
                )

    def build_view(self, data: DashboardData) -> TalkView:
        return talk.view(
            data.snapshot, data.cfg, data.now, unavailable=data.unavailable, partial=data.partial
        )

    _shown: TalkView | None = None

    def drill_targets(self) -> list[Target]:
        view = self._shown
        if view is None or view.off:
            return []
        targets: list[Target] = []
        for kpi in (t.INBOUND_TODAY, t.ANSWERED_TODAY, t.INBOUND_WINDOW, t.ANSWERED_WINDOW):
            targets += self.figure_targets(kpi)
        reasons = dict(talk.REASONS)
        targets += self.figure_targets(t.UNSUCCESSFUL_TODAY, reasons)
        targets += self.figure_targets(t.UNSUCCESSFUL_WINDOW, reasons)
        names = {a.agent_id: a.name or f"agent {a.agent_id}" for a in self._top_agents()}
        targets += self.figure_targets(t.TOP_AGENTS, names)
        targets += self.figure_targets(t.UNSUCCESSFUL_DAILY)
        # what lists nothing last (the picker says why)
        for kpi in talk.LIVE:
            targets += self.figure_targets(kpi)
        targets.append(("Efficiency (means)", t.TIME_TO_ANSWER_TODAY.id, None))
        targets += self.figure_targets(t.QUALITY_DAILY)
        return targets

    def _top_agents(self) -> tuple[Any, ...]:
        snap = self.data.snapshot if self.data is not None else None
        return tuple(t.TOP_AGENTS.value(snap) or ())

    def drill_target_of(self, widget: Any, event: events.Click) -> Target | None:
        view = self._shown
        if view is None or view.off or not widget.id:
            return None
        offset = event.get_content_offset(widget)
        if isinstance(widget, KpiTile):
            kpi = next((k for k in talk.LIVE if dom_id(k.id) == widget.id), None)
            return None if kpi is None else self.figure_target(kpi)
        if widget.id == "talk-calls-today":
            return self.figure_target(t.INBOUND_TODAY)
        if isinstance(widget, BarList) and offset is not None:
            bar = widget.bar_at(offset.y)
            if bar is not None and bar.key is not None:
                return self.figure_target(t.UNSUCCESSFUL_TODAY, bar.key)
        if isinstance(widget, StackedBars) and offset is not None:
            days = widget.days_at(offset.x)
            if days is not None:
                first, last = days
                arg = first if first == last else f"{first}..{last}"
                return (
                    f"Unsuccessful calls {arg.replace('..', ' to ')}",
                    t.UNSUCCESSFUL_DAILY.id,
                    arg,
                )
        if widget.id == dom_id(t.TOP_AGENTS.id) and offset is not None:
            agents = self._top_agents()
            if 1 <= offset.y <= len(agents):  # line 0: the header
                agent = agents[offset.y - 1]
                return self.figure_target(t.TOP_AGENTS, agent.agent_id, agent.name or "")
        if widget.id in ("talk-efficiency-table", "talk-efficiency"):
            return ("Efficiency (means)", t.TIME_TO_ANSWER_TODAY.id, None)
        if widget.id == "talk-quality":
            return self.figure_target(t.QUALITY_DAILY)
        return None

    def render_view(self, view: TalkView) -> None:
        self._shown = view
        self.set_class(bool(view.off), "-off")
        self.query_one("#talk-off", Static).update(view.off)
        if view.off:
            return
        for tile in view.live:
            self.query_one(f"#{dom_id(tile.id)}", KpiTile).update_tile(
                tile.value,
                digits=tile.digits,
                versus=tile.versus,
                value_verdict=tile.verdict,
                stale=self.is_stale(tile.streams),
                partial=tile.partial,
            )
        self.query_one("#talk-calls-today", Static).update(view.calls_today)
        self.query_one(f"#{dom_id(t.UNSUCCESSFUL_TODAY.id)}", BarList).set_bars(
            view.unsuccessful_today
        )
        stack = view.unsuccessful_daily
        self.query_one(StackedBars).set_stack(stack.dates, stack.labels, stack.series)
        self.query_one("#talk-efficiency-table", FigureTable).set_rows(
            ("", "today", "window", "target"),
            [
                (
                    (r.label, "neutral"),
                    (r.today, r.today_verdict),
                    (r.window, r.window_verdict),
                    (r.target or "—", "neutral"),
                )
                for r in view.efficiency
            ],
        )
        self.query_one(f"#{dom_id(t.TOP_AGENTS.id)}", FigureTable).set_rows(
            ("agent", "calls", "talk", "mean"),
            [
                (
                    (a.name, "neutral"),
                    (a.calls, "neutral"),
                    (a.talk_total, "neutral"),
                    (a.talk_mean, "neutral"),
                )
                for a in view.top_agents
            ],
        )
        q = view.quality
        self.query_one("#talk-quality", TrendPanel).update_series(
            q.summary,
            q.dates,
            q.values,
            q.target,
            verdict=q.verdict,
            stale=self.is_stale(q.streams),
            partial=q.partial,
        )
        for box_id, partial in (
            ("#talk-unsuccessful", stack.partial),
            ("#talk-efficiency", any(r.partial for r in view.efficiency)),
            ("#talk-activity", any(a.partial for a in view.top_agents)),
        ):
            box = self.query_one(box_id)
            stale = self.is_stale(t.CALLS)
            box.set_class(stale, "-stale")
            box.border_subtitle = badges(stale=stale, partial=partial)
