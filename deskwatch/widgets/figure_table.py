"""FigureTable: a small text table (a header and rows of cells), cells coloured by verdict.

Columns are as wide as their widest cell; the first column is left-aligned, the others right.
Text, not a DataTable: nothing to focus or scroll, exact numbers, cheap. Passive.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from deskwatch.format import Verdict

_STYLE = {"good": "$text-success", "bad": "$text-error bold", "neutral": ""}
Cell = tuple[str, Verdict]


def table_lines(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], width: int = 0
) -> list[list[Cell]]:
    """Header and rows padded to common column widths (first column left, others right).
    Wider than ``width`` (0: no limit): the first column (names) is shortened with "…",
    never the numbers."""
    lines: list[list[Cell]] = [[(h, "neutral") for h in header], *[list(r) for r in rows]]
    widths = [max(len(line[i][0]) for line in lines) for i in range(len(header))]
    over = sum(widths) + 2 * (len(widths) - 1) - width
    if width and over > 0:
        widths[0] = max(4, widths[0] - over)
        lines = [[(_cut(line[0][0], widths[0]), line[0][1]), *line[1:]] for line in lines]
    out = []
    for line in lines:
        cells = []
        for i, (text, verdict) in enumerate(line):
            padded = text.ljust(widths[i]) if i == 0 else text.rjust(widths[i])
            cells.append((padded, verdict))
        out.append(cells)
    return out


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class FigureTable(Static):
    DEFAULT_CSS = """
    FigureTable { height: auto; width: 1fr; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self._key: tuple[object, ...] | None = None
        self._header: tuple[str, ...] = ()
        self._rows: tuple[tuple[Cell, ...], ...] = ()

    @property
    def lines_text(self) -> list[str]:
        return str(self.content).splitlines()

    def set_rows(self, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        self._header, self._rows = tuple(header), tuple(tuple(r) for r in rows)
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        header, rows, width = self._header, self._rows, self.content_size.width
        key = (header, rows, width)
        if key == self._key:
            return
        self._key = key
        if not rows:
            self.update(Content.styled("no data yet", "dim"))
            return
        rendered = []
        for n, line in enumerate(table_lines(header, rows, width)):
            parts = [
                Content.styled(text, "$text-muted" if n == 0 else _STYLE[verdict])
                for text, verdict in line
            ]
            rendered.append(Content("  ").join(parts))
        self.update(Content("\n").join(rendered))
