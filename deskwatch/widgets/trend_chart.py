"""Plotext charts for the dashboards: passive, readable under every theme and ``NO_COLOR``.

``ThemedPlot`` picks the plot theme from the app: Textual's "auto" plot theme normally, the
colourless-chrome ``pro`` theme under the ``ansi-*`` themes (where "auto" draws black axes),
and the all-monochrome ``clear`` theme when ``NO_COLOR`` is set (series then differ by marker,
not colour). Subclasses keep their data in plain attributes, draw it in :meth:`draw`, and are
rebuilt only when that data, the size or the theme changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import RenderResult
from textual.theme import Theme
from textual_plotext import PlotextPlot

from deskwatch.format import fmt_count, fmt_minutes


def plot_theme_for(app_theme: str, no_color: bool) -> str:
    """The textual-plotext theme name to use under a Textual theme ("auto" = follow it)."""
    if no_color:
        return "clear"
    if app_theme.startswith("ansi"):
        return "pro"
    return "auto"


def downsample(
    labels: Sequence[str], values: Sequence[float | None], max_points: int
) -> tuple[list[str], list[float | None]]:
    """At most ``max_points`` buckets of consecutive points: each keeps its last label (so the
    newest point keeps today's date) and the mean of its non-null values (None when all are
    null). Shorter series come back unchanged."""
    n = len(values)
    if max_points < 1 or n <= max_points:
        return list(labels), list(values)
    size = math.ceil(n / max_points)
    out_labels: list[str] = []
    out_values: list[float | None] = []
    for start in range(0, n, size):
        chunk = [v for v in values[start : start + size] if v is not None]
        out_labels.append(labels[min(start + size, n) - 1])
        out_values.append(sum(chunk) / len(chunk) if chunk else None)
    return out_labels, out_values


class ThemedPlot(PlotextPlot):
    """A ``PlotextPlot`` that follows the app theme and ``NO_COLOR``, drawn from own data."""

    DEFAULT_CSS = """
    ThemedPlot {
        width: 1fr;
        height: 1fr;
        min-height: 8;
        content-align: center middle;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._key: tuple[Any, ...] | None = None
        self._cached: RenderResult | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._follow_theme)
        self._follow_theme(self.app.current_theme)

    def _follow_theme(self, theme: Theme) -> None:
        wanted = plot_theme_for(theme.name, self.app.no_color)
        if wanted != self.theme:
            self.theme = wanted  # type: ignore[assignment]
            if wanted == "auto":
                self._register_theme(theme.name)
        self.refresh()

    @property
    def monochrome(self) -> bool:
        return bool(self.is_mounted and self.app.no_color)

    def data_key(self) -> tuple[Any, ...]:
        """Everything :meth:`draw` reads; the plot is rebuilt only when this changes."""
        raise NotImplementedError

    def has_data(self) -> bool:
        """False shows a plain "no data yet" line instead of empty axes."""
        return True

    def draw(self) -> None:
        """Draw the data with ``self.plt`` (already cleared and sized)."""
        raise NotImplementedError

    def render(self) -> RenderResult:
        key = (self.size, self.theme, self.app.theme, self.data_key())
        if key == self._key and self._cached is not None:
            return self._cached
        plt = self.plt
        plt.clear_figure()
        if self.size.width < 12 or self.size.height < 5:
            self._cached = Text("")
        elif not self.has_data():
            self._cached = Text("no data yet", style="dim")
        else:
            self.draw()
            self._cached = super().render()
        self._key = key
        return self._cached


class TrendChart(ThemedPlot):
    """A daily series (e.g. the 30-day first-reply median) with a horizontal target line.

    ``unit`` "minutes" (default): the axis is scaled in hours when the series or the target
    reaches three hours, and its ticks read as durations (0, the target, the top); "count":
    whole numbers; "ratio": percentages on a 0-100 % axis. Days with no value are left as
    gaps. With ``up_is_good`` set and a target, each day is also marked on its side of the
    target (good: green, bad: red; under ``NO_COLOR``: "+" and "x").
    """

    def __init__(
        self,
        title: str = "",
        *,
        unit: str = "minutes",
        up_is_good: bool | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.unit = unit
        self.up_is_good = up_is_good
        self._dates: tuple[str, ...] = ()
        self._values: tuple[float | None, ...] = ()
        self._target: float | None = None

    def set_series(
        self, dates: Sequence[str], values: Sequence[float | None], target: float | None
    ) -> None:
        """Show these daily values (oldest first; ``dates`` as YYYY-MM-DD) and target."""
        new = (tuple(dates), tuple(values), target)
        if new != (self._dates, self._values, self._target):
            self._dates, self._values, self._target = new
            self.refresh()

    def data_key(self) -> tuple[Any, ...]:
        return (self.title, self.unit, self._dates, self._values, self._target)

    def has_data(self) -> bool:
        return any(v is not None for v in self._values)

    def draw(self) -> None:
        plt = self.plt
        width = self.size.width
        # about one point per cell keeps the line readable
        dates, values = downsample(self._dates, self._values, max(4, width - 8))
        present = [v for v in values if v is not None]
        peak = max([*present, self._target or 0, 0])
        hours = self.unit == "minutes" and peak >= 180
        scale = 60.0 if hours else 0.01 if self.unit == "ratio" else 1.0
        plt.title(self.title)  # the tick labels carry their units (45m, 1d 00h)
        xs = [i + 1 for i, v in enumerate(values) if v is not None]
        ys = [v / scale for v in values if v is not None]
        mono = self.monochrome
        if xs:
            plt.plot(xs, ys, marker="braille", color="default" if mono else "cyan+")
        if self._target is not None:
            plt.hline(self._target / scale, "default" if mono else "red")
        target = None if self._target is None else self._target / scale
        if target is not None and self.up_is_good is not None and xs:
            self._mark_sides(xs, ys, target, mono)
        top = 100.0 if self.unit == "ratio" else max([*ys, target or 0.0, 1.0]) * 1.1
        bottom = 0.0
        if self.unit != "minutes" and ys:
            # counts and shares far from 0 (a backlog of 140-160, CSAT of 80-95 %): zoom in
            seen = [*ys, *([] if target is None else [target])]
            lo, hi = min(seen), max(seen)
            if lo > 0.5 * top:
                span = max(hi - lo, 1.0)
                bottom = float(max(0, math.floor(lo - span * 0.5)))
                top = min(top, hi + span * 0.3) if self.unit == "ratio" else hi + span * 0.3
        plt.ylim(bottom, top)
        if dates:
            plt.xlim(1, max(len(dates), 2))
            picks = sorted({0, len(dates) // 2, len(dates) - 1})
            if width < 40:
                picks = [0, len(dates) - 1]
            plt.xticks([i + 1 for i in picks], [dates[i][5:] for i in picks])
        yticks = [bottom, top]
        if target is not None:
            near_top = target >= top - 0.2 * (top - bottom)
            yticks = [bottom, target] + ([] if near_top else [top])
        plt.yticks(yticks, [_axis_label(t, hours, self.unit) for t in yticks])

    def _mark_sides(self, xs: list[int], ys: list[float], target: float, mono: bool) -> None:
        good = [(x, y) for x, y in zip(xs, ys, strict=True) if (y >= target) == self.up_is_good]
        bad = [(x, y) for x, y in zip(xs, ys, strict=True) if (y >= target) != self.up_is_good]
        for points, colour, marker in ((good, "green+", "+"), (bad, "red+", "x")):
            if points:
                px, py = zip(*points, strict=True)
                self.plt.scatter(
                    list(px),
                    list(py),
                    marker=marker if mono else "dot",
                    color="default" if mono else colour,
                )


def _axis_label(value: float, hours: bool, unit: str = "minutes") -> str:
    if value == 0:
        return "0"
    if unit == "ratio":
        return f"{value:.0f}%"
    if unit == "count":
        return fmt_count(value)
    minutes = value * 60 if hours else value
    return fmt_minutes(minutes)
