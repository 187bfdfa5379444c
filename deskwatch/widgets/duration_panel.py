"""DurationPanel: a time KPI (first reply, full resolution) as a small table plus a trend.

The table has one row per period (today, yesterday, month to date) and the STATS columns of
KPIS.md (median, mean, p90, count); medians and means are coloured against the target. Below
it a :class:`TrendChart` of the daily medians with the target line. In wall mode (CSS) the
table gives way to today's median in big digits (the panel's own ``.-wall DurationPanel`` rules).
Passive: it is handed the snapshot's STATS values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Digits, Static

from deskwatch.format import MISSING, fmt_count, fmt_minutes, fmt_minutes_clock, versus_target
from deskwatch.widgets.trend_chart import TrendChart

#: (row label, STATS key in the KPIS.md mapping)
PERIODS = (("Today", "today"), ("Yesterday", "yesterday"), ("This month", "month_to_date"))
_COLUMNS = (("median", 8), ("mean", 8), ("p90", 8), ("n", 7))
_LABEL_WIDTH = 11
#: Content width the full table needs; narrower panels drop the p90 column.
FULL_WIDTH = _LABEL_WIDTH + sum(width for _, width in _COLUMNS)


class Stats(Protocol):
    """KPIS.md STATS (``deskwatch.kpis.snapshot.Stats``)."""

    @property
    def count(self) -> int: ...
    @property
    def mean(self) -> float | None: ...
    @property
    def median(self) -> float | None: ...
    @property
    def p90(self) -> float | None: ...


class DailyStats(Stats, Protocol):
    @property
    def date(self) -> str: ...


def stats_rows(
    periods: Mapping[str, Stats | None], target: float | None, *, p90: bool = True
) -> Content:
    """The table as styled text: a header line and one line per period."""
    columns = [c for c in _COLUMNS if p90 or c[0] != "p90"]
    header = " " * _LABEL_WIDTH + "".join(name.rjust(width) for name, width in columns)
    lines = [Content.styled(header, "$text-muted")]
    for label, key in PERIODS:
        stats = periods.get(key)
        parts = [Content(label.ljust(_LABEL_WIDTH))]
        for name, width in columns:
            value = None if stats is None else getattr(stats, "count" if name == "n" else name)
            text = fmt_count(value) if name == "n" else fmt_minutes(value)
            cell = text.rjust(width)
            verdict = "neutral"
            if name in ("median", "mean"):
                verdict = versus_target(value, target, lower_is_better=True)
            style = {"good": "$text-success", "bad": "$text-error bold"}.get(verdict, "")
            parts.append(Content.styled(cell, style) if style else Content(cell))
        lines.append(Content("").join(parts))
    return Content("\n").join(lines)


class DurationPanel(Vertical):
    """A bordered panel: title, target, STATS table, big today figure (wall) and trend."""

    SCOPED_CSS = False  # the wall rules below match an ancestor's -wall class
    DEFAULT_CSS = """
    DurationPanel {
        height: auto;
        background: $surface;
        border: round $foreground 30%;
        border-title-color: $foreground;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        .panel--table { height: 4; width: 1fr; text-wrap: nowrap; text-overflow: clip; }
        .panel--digits, .panel--caption { display: none; }
        .panel--caption { color: $text-muted; }
        TrendChart { height: 1fr; min-height: 8; }
        &.-stale { border: round $warning; border-subtitle-color: $warning; }
    }
    .-wall DurationPanel {
        .panel--table { display: none; }
        .panel--digits, .panel--caption { display: block; }
    }
    """

    def __init__(
        self,
        title: str,
        *,
        chart_title: str = "daily median",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.chart_title = chart_title
        self.border_title = title
        self._state: tuple[Any, ...] | None = None
        self._periods: Mapping[str, Stats | None] = {}
        self._target: float | None = None
        self._wide_table: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="panel--table")
        yield Digits(MISSING, classes="panel--digits")
        yield Static("median today (h:mm)", classes="panel--caption")
        yield TrendChart(self.chart_title)

    @property
    def table_text(self) -> str:
        return str(self.query_one(".panel--table", Static).content)

    def update_panel(
        self,
        periods: Mapping[str, Stats | None],
        daily: Sequence[DailyStats],
        target: float | None,
        *,
        stale: bool = False,
        partial: bool = False,
    ) -> None:
        """Show the STATS mappings for ``today``/``yesterday``/``month_to_date`` (missing or
        None shows "—"), the ``daily`` STATS+date list (oldest first) and the target;
        ``partial``: the history backfill has not finished the days it reads (badge)."""
        today_stats = periods.get("today")
        today = None if today_stats is None else today_stats.median
        state = (tuple(sorted(periods.items())), target, stale, partial)
        if state != self._state:
            self._state = state
            self._periods, self._target = periods, target
            self._render_table()
            self.query_one(".panel--digits", Digits).update(
                "-" if today is None else fmt_minutes_clock(today)
            )
            target_text = f"target {fmt_minutes(target)}" if target is not None else ""
            badges = (target_text, "STALE" * stale, "PARTIAL" * partial)
            self.border_subtitle = " · ".join(t for t in badges if t)
            self.set_class(stale, "-stale")
        self.query_one(TrendChart).set_series(
            [d.date for d in daily], [d.median for d in daily], target
        )

    def _render_table(self) -> None:
        table = self.query_one(".panel--table", Static)
        self._wide_table = table.size.width == 0 or table.size.width >= FULL_WIDTH
        table.update(stats_rows(self._periods, self._target, p90=self._wide_table))

    def on_resize(self) -> None:
        table = self.query_one(".panel--table", Static)
        if self._wide_table != (table.size.width >= FULL_WIDTH) and self._state is not None:
            self._render_table()
