"""TrendPanel: a daily series in a bordered panel: a one-line summary, a sparkline and a chart.

The summary (e.g. "median 54m · p90 3h 05m · target 1h 00m") is coloured by its verdict
against the target. Where the screen is short (its ``-short`` class) the panel shows a
:class:`~textual.widgets.Sparkline` instead of the plotext chart, so a trend still fits in two
lines; tall screens show the :class:`TrendChart` with its target line. Passive.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from deskwatch.format import Verdict
from deskwatch.widgets.trend_chart import TrendChart

_VERDICTS = ("-good", "-bad")


class TrendPanel(Vertical):
    """Title on the border; :meth:`update_series` with the view's series."""

    SCOPED_CSS = False  # the short/tall rules match an ancestor's classes
    DEFAULT_CSS = """
    TrendPanel {
        height: 1fr;
        min-height: 5;
        background: $surface;
        border: round $foreground 30%;
        border-title-color: $foreground;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        .trend--summary { width: 1fr; height: auto; color: $text-muted; }
        .trend--summary.-good { color: $text-success; }
        .trend--summary.-bad { color: $text-error; text-style: bold; }
        Sparkline { height: 1fr; min-height: 1; display: none; }
        TrendChart { height: 1fr; min-height: 6; }
        &.-stale { border: round $warning; border-subtitle-color: $warning; }
    }
    .-short TrendPanel {
        height: auto;
        min-height: 4;
        Sparkline { display: block; height: 1; }
        TrendChart { display: none; }
    }
    """

    def __init__(
        self,
        title: str,
        *,
        unit: str = "minutes",
        up_is_good: bool | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = title
        self.unit = unit
        self.up_is_good = up_is_good
        self._summary: tuple[str, Verdict, bool, bool] | None = None
        self._texts = ("", "")  # the summary, and its short form for a narrow panel

    def compose(self) -> ComposeResult:
        yield Static(" ", classes="trend--summary", markup=False)
        yield Sparkline([], summary_function=max)
        yield TrendChart(unit=self.unit, up_is_good=self.up_is_good)

    def _fit(self) -> None:
        """The summary, or its short form when the line is narrower than the summary."""
        summary, short = self._texts
        line = self.query_one(".trend--summary", Static)
        width = line.size.width
        fits = not short or width == 0 or len(summary) <= width
        line.update((summary if fits else short) or " ")

    def on_resize(self) -> None:
        if self._texts != ("", ""):
            self.call_after_refresh(self._fit)

    @property
    def summary_text(self) -> str:
        return str(self.query_one(".trend--summary", Static).content)

    def update_series(
        self,
        summary: str,
        dates: Sequence[str],
        values: Sequence[float | None],
        target: float | None,
        *,
        verdict: Verdict = "neutral",
        stale: bool = False,
        partial: bool = False,
        short: str = "",
    ) -> None:
        """``partial``: the series reads days the history backfill has not finished (badge);
        ``short``: the summary shown instead when the panel is too narrow for it."""
        if (summary, short) != self._texts:
            self._texts = (summary, short)
            self._fit()
        if (summary, verdict, stale, partial) != self._summary:
            self._summary = (summary, verdict, stale, partial)
            line = self.query_one(".trend--summary", Static)
            for name in _VERDICTS:
                line.set_class(name == f"-{verdict}", name)
            self.set_class(stale, "-stale")
            self.border_subtitle = " ".join(
                w for w, on in (("STALE", stale), ("PARTIAL", partial)) if on
            )
        spark = self.query_one(Sparkline)
        data = [0.0 if v is None else float(v) for v in values]
        if list(spark.data or []) != data:
            spark.data = data
        self.query_one(TrendChart).set_series(dates, values, target)
