"""BarList: labelled counts as horizontal text bars (tickets by type, by channel, by status).

Text, not a plot: one line per bar (label, bar, count), so it is exact, cheap to redraw, fits
any width (the bar shrinks; the label and the number never are cut) and reads the same under
every theme and ``NO_COLOR`` (the bar is a run of block characters). Passive: a click tells
which bar is under it (:meth:`bar_at`); the screen decides what that opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from textual.content import Content
from textual.widgets import Static

_FULL = "█"
_PARTS = " ▏▎▍▌▋▊▉"
_MAX_LABEL = 16


class BarLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def value(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def key(self) -> str | None: ...


def bar_lines(bars: Sequence[BarLike], width: int) -> list[tuple[str, str, str]]:
    """(label, bar, number) per bar for ``width`` columns: labels padded to the longest (at
    most 16), numbers right-aligned, bars scaled to the largest value in eighths of a cell."""
    if not bars:
        return []
    num_w = max(len(b.text) for b in bars)
    # the number always fits: a long label ("native messaging") is shortened first
    label_w = max(4, min(_MAX_LABEL, max(len(b.label) for b in bars), width - num_w - 2))
    room = max(0, width - label_w - num_w - 2)
    top = max((b.value for b in bars), default=0)
    lines = []
    for b in bars:
        eighths = 0 if top <= 0 else round(b.value / top * room * 8)
        if b.value > 0 and room > 0:
            eighths = max(1, eighths)  # a non-zero count always shows
        bar = _FULL * (eighths // 8) + (_PARTS[eighths % 8] if eighths % 8 else "")
        label = b.label if len(b.label) <= label_w else b.label[: label_w - 1] + "…"
        lines.append((label.ljust(label_w), bar.ljust(room), b.text.rjust(num_w)))
    return lines


class BarList(Static):
    """Horizontal bars; :meth:`set_bars` with the view's bars (largest first, as given)."""

    DEFAULT_CSS = """
    BarList {
        height: auto;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(
        self,
        *,
        styles: Sequence[str] = ("$accent",),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``styles``: the bars' colours, in turn (a legend for a chart in the same colours)."""
        super().__init__("", id=id, classes=classes)
        self.styles_cycle = tuple(styles)
        self._bars: tuple[BarLike, ...] = ()
        self._width = -1

    @property
    def lines_text(self) -> list[str]:
        """The rendered lines as plain text (for tests)."""
        return str(self.content).splitlines()

    def bar_at(self, line: int) -> BarLike | None:
        """The bar drawn on content line ``line`` (None: no bar there)."""
        return self._bars[line] if 0 <= line < len(self._bars) else None

    def set_bars(self, bars: Sequence[BarLike]) -> None:
        if tuple(bars) != self._bars:
            self._bars = tuple(bars)
            self._redraw()

    def on_resize(self) -> None:
        if self.content_size.width != self._width:
            self._redraw()

    def _redraw(self) -> None:
        self._width = self.content_size.width
        width = self._width or 40
        mono = self.app.no_color if self.is_mounted else False
        rows = []
        for i, (label, bar, number) in enumerate(bar_lines(self._bars, width)):
            style = self.styles_cycle[i % len(self.styles_cycle)]
            if mono and len(self.styles_cycle) > 1:  # shades tell the series apart
                bar = bar.replace("█", "█▓▒░"[i % 4])
            rows.append(Content.assemble(label, " ", (bar, style), " ", number))
        self.update(Content("\n").join(rows) if rows else Content.styled("no data yet", "dim"))
