"""Created vs solved per hour today: paired bars, one pair per hour so far."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.text import Text

from deskwatch.widgets.trend_chart import ThemedPlot


class HourlyBars(ThemedPlot):
    """Paired bars per local hour (0-23) for two counts, e.g. created and solved today.

    Hours after the last one given are not drawn as bars; with typical counts, the typical
    curves run from the current hour to the end of the day (the x axis then spans 0-23).
    Under ``NO_COLOR`` the second series is drawn with a shaded marker so the two stay apart.
    """

    def __init__(
        self,
        labels: tuple[str, str] = ("created", "solved"),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.labels = labels
        self._first: tuple[int, ...] = ()
        self._second: tuple[int, ...] = ()
        self._typical: tuple[tuple[float, ...] | None, tuple[float, ...] | None] = (None, None)

    def set_counts(
        self,
        first: Sequence[int],
        second: Sequence[int],
        typical: tuple[Sequence[float] | None, Sequence[float] | None] = (None, None),
    ) -> None:
        """Counts per hour from local midnight, oldest first (both series the same length),
        and optionally each series' typical count for all 24 hours: drawn as a curve from the
        current hour to the end of the day."""
        curves = (
            None if typical[0] is None else tuple(typical[0]),
            None if typical[1] is None else tuple(typical[1]),
        )
        new = (tuple(first), tuple(second), curves)
        if new != (self._first, self._second, self._typical):
            self._first, self._second, self._typical = new
            self.refresh()

    def hour_at(self, x: int) -> tuple[int, int] | None:
        """(hour, series: 0 the left bar, 1 the right) drawn at content column ``x`` (None:
        no hour so far there), read from the x axis labels as drawn (plotext places them)."""
        drawn = self._cached
        if not isinstance(drawn, Text):
            return None
        lines = drawn.plain.splitlines()
        axis = next((i for i, line in enumerate(lines) if "└" in line), None)
        if axis is None or axis + 1 >= len(lines):
            return None
        ticks = [
            (m.start() + (len(m.group()) - 1) / 2, int(m.group()))
            for m in re.finditer(r"\d+", lines[axis + 1])
        ]
        if len(ticks) < 2:
            return None
        (x0, h0), (x1, h1) = ticks[0], ticks[-1]
        at = h0 + (x - x0) * (h1 - h0) / (x1 - x0)
        hour = round(at)
        if not 0 <= hour < min(len(self._first), len(self._second)):
            return None
        return hour, 0 if at < hour else 1

    def data_key(self) -> tuple[Any, ...]:
        return (self.labels, self._first, self._second, self._typical)

    def has_data(self) -> bool:
        return bool(self._first) and bool(self._second)

    def draw(self) -> None:
        plt: Any = self.plt  # plotext's own annotations are narrower than what it accepts
        n = min(len(self._first), len(self._second))
        hours = list(range(n))
        first, second = list(self._first[:n]), list(self._second[:n])
        if self.monochrome:
            plt.multiple_bar(
                hours,
                [first, second],
                labels=list(self.labels),
                marker=["sd", "▒"],
                color=["default", "default"],
            )
        else:
            plt.multiple_bar(
                hours, [first, second], labels=list(self.labels), color=["cyan+", "green+"]
            )
        rest = self._draw_typical(plt, n)
        span = list(range(24)) if rest else hours
        width = len(span)
        step = 1 if self.size.width >= 6 * width else (2 if self.size.width >= 3 * width else 4)
        ticks = [h for h in span if h % step == 0]
        plt.xticks(ticks, [str(h) for h in ticks])
        top = max([*first, *second, *rest, 1])
        plt.ylim(0, top * 1.15)
        plt.yticks(*_integer_ticks(top, max(2, min(5, self.size.height // 3))))

    def _draw_typical(self, plt: Any, n: int) -> list[int]:
        """The typical curves from the current hour (``n - 1``) to 23; their rounded values."""
        drawn: list[int] = []
        styles = (("typical " + self.labels[0], "cyan"), ("typical " + self.labels[1], "green"))
        for curve, (label, color) in zip(self._typical, styles, strict=True):
            if curve is None or n == 0:
                continue
            hours = list(range(n - 1, 24))
            values = [float(curve[h]) for h in hours]
            if self.monochrome:
                plt.plot(hours, values, label=label, marker="dot", color="default")
            else:
                plt.plot(hours, values, label=label, marker="braille", color=color)
            drawn += [round(v) for v in values]
        return drawn


def _integer_ticks(top: int, count: int) -> tuple[list[int], list[str]]:
    """About ``count`` whole-number ticks from 0 to at least ``top``."""
    step = max(1, -(-top // count))
    ticks = list(range(0, top + step, step))
    return ticks, [str(t) for t in ticks]
