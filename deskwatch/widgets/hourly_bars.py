"""Created vs solved per hour today: paired bars, one pair per hour so far."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deskwatch.widgets.trend_chart import ThemedPlot


class HourlyBars(ThemedPlot):
    """Paired bars per local hour (0-23) for two counts, e.g. created and solved today.

    Hours after the last one given are not drawn. Under ``NO_COLOR`` the second series is
    drawn with a shaded marker so the two stay apart.
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

    def set_counts(self, first: Sequence[int], second: Sequence[int]) -> None:
        """Counts per hour from local midnight, oldest first (both series the same length)."""
        new = (tuple(first), tuple(second))
        if new != (self._first, self._second):
            self._first, self._second = new
            self.refresh()

    def data_key(self) -> tuple[Any, ...]:
        return (self.labels, self._first, self._second)

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
        step = 1 if self.size.width >= 6 * n else (2 if self.size.width >= 3 * n else 4)
        ticks = [h for h in hours if h % step == 0]
        plt.xticks(ticks, [str(h) for h in ticks])
        top = max([*first, *second, 1])
        plt.ylim(0, top * 1.15)
        plt.yticks(*_integer_ticks(top, max(2, min(5, self.size.height // 3))))


def _integer_ticks(top: int, count: int) -> tuple[list[int], list[str]]:
    """About ``count`` whole-number ticks from 0 to at least ``top``."""
    step = max(1, -(-top // count))
    ticks = list(range(0, top + step, step))
    return ticks, [str(t) for t in ticks]
