"""StackedBars: one stacked column per day (unsuccessful calls by reason over the window).

Drawn as text, not with plotext (whose stacked bars overlap once 30 days share 60 cells): each
day is one column of block characters (up to three cells wide), each series its own
colour (under ``NO_COLOR`` its own shade: █ ▓ ▒ ░), scaled so the busiest day fills the height.
The top count is written at the left, the first and last dates below. More days than columns
are summed into buckets of consecutive days labelled by their last date (the newest column is
always today). Passive: a click tells which days' column is under it (:meth:`days_at`).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from deskwatch.format import fmt_count

#: colour and shade per series, in stacking order (bottom first)
STYLES = ("$error", "$warning", "$primary", "$success")
SHADES = ("█", "▓", "▒", "░")


def bucket(
    dates: Sequence[str], series: Sequence[Sequence[int]], columns: int
) -> tuple[list[str], list[list[int]]]:
    """Sum consecutive days into at most ``columns`` buckets, each labelled by its last date."""
    n = len(dates)
    size = max(1, -(-n // max(1, columns)))
    labels = [dates[min(i + size, n) - 1] for i in range(0, n, size)]
    sums = [[sum(s[i : i + size]) for i in range(0, n, size)] for s in series]
    return labels, sums


def column_cells(stack: Sequence[int], top: int, height: int) -> list[int | None]:
    """Which series fills each row of a column, bottom row first (None: empty)."""
    if top <= 0:
        return [None] * height
    cells: list[int | None] = []
    edges, total = [], 0
    for value in stack:
        total += value
        edges.append(total * height / top)
    for row in range(height):
        middle = row + 0.5
        cells.append(next((i for i, edge in enumerate(edges) if middle < edge), None))
    return cells


class StackedBars(Static):
    DEFAULT_CSS = """
    StackedBars { height: 1fr; min-height: 4; width: 1fr; text-wrap: nowrap; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._dates: tuple[str, ...] = ()
        self._series: tuple[tuple[int, ...], ...] = ()
        self._drawn = (0, 0)
        #: where the columns are: (first column x, cells per column, days per column)
        self._layout: tuple[int, int, int] | None = None

    def set_stack(
        self, dates: Sequence[str], labels: Sequence[str], series: Sequence[Sequence[int]]
    ) -> None:
        data = (tuple(dates), tuple(tuple(s) for s in series))
        if data != (self._dates, self._series):
            self._dates, self._series = data
            self._redraw()

    def days_at(self, x: int) -> tuple[str, str] | None:
        """(first, last) date of the column drawn at content column ``x`` (None: none)."""
        if self._layout is None:
            return None
        left, cell, size = self._layout
        if x < left:
            return None
        first = (x - left) // cell * size
        if first >= len(self._dates):
            return None
        return self._dates[first], self._dates[min(first + size, len(self._dates)) - 1]

    def on_resize(self) -> None:
        if (self.content_size.width, self.content_size.height) != self._drawn:
            self._redraw()

    def _redraw(self) -> None:
        self._drawn = (self.content_size.width, self.content_size.height)
        dates, series = self._dates, self._series
        width, height = self._drawn
        self._layout = None
        if not any(any(s) for s in series) or width < 12 or height < 3:
            self.update(Content.styled("no unsuccessful calls" if dates else "no data yet", "dim"))
            return
        axis = len(fmt_count(max(sum(col) for col in zip(*series, strict=True)))) + 1
        room = width - axis
        cell = max(1, min(3, room // max(1, len(dates))))  # up to three cells a day, at least one
        labels, sums = bucket(dates, series, room // cell)
        self._layout = (axis, cell, max(1, -(-len(dates) // max(1, room // cell))))
        totals = [sum(col) for col in zip(*sums, strict=True)]
        top = max(totals)
        rows = height - 1
        columns = [column_cells([s[i] for s in sums], top, rows) for i in range(len(labels))]
        mono = self.app.no_color if self.is_mounted else False
        lines = []
        for r in range(rows - 1, -1, -1):
            label = fmt_count(top) if r == rows - 1 else ("0" if r == 0 else "")
            parts = [Content(label.rjust(axis - 1) + "┤" if label else " " * (axis - 1) + "│")]
            for cells in columns:
                which = cells[r]
                if which is None:
                    parts.append(Content(" " * cell))
                elif mono:
                    parts.append(Content(SHADES[which % 4] * cell))
                else:
                    parts.append(Content.styled("█" * cell, STYLES[which % 4]))
            lines.append(Content("").join(parts))
        first, last = labels[0][5:], labels[-1][5:]
        gap = max(1, len(labels) * cell - len(first) - len(last))
        lines.append(Content(" " * axis + first + " " * gap + last))
        self.update(Content("\n").join(lines))
