"""The agents dashboard (``4``): the leaderboard (:class:`deskwatch.views.agents.AgentsView`).

Updated in place: a refresh changes the cells whose text changed, adds and removes rows, and
re-sorts, keeping the cursor on the same agent and the scroll where it was (nothing is
cleared or remounted). Sort: ``s`` moves to the next column, ``S`` reverses, a click on a
header sorts by it (again: reversed); ``i`` hides or shows idle agents; Enter opens the agent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DashboardScreen
from deskwatch.views import agents
from deskwatch.views.agents import AgentRow, AgentsView, Column


class Tagged(str):
    """A cell's text that knows its agent (the table sorts by our order through it)."""

    agent_id: int

    def __new__(cls, text: str, agent_id: int) -> Tagged:
        cell = super().__new__(cls, text)
        cell.agent_id = agent_id
        return cell


class AgentsScreen(DashboardScreen):
    """Agents over the KPI window: rank, change, figures, solved per day, Talk state."""

    MODE: ClassVar[str] = "agents"
    TITLE: ClassVar[str | None] = "Agents"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sort(1)", "Sort", id="agents.sort", tooltip="Sort by the next column"),
        Binding(
            "S", "sort(0)", "Reverse", id="agents.reverse", show=False, tooltip="Reverse the sort"
        ),
        # out of the footer (80 columns): the title says "N idle shown last (i)"
        Binding(
            "i", "idle", "Idle", id="agents.idle", show=False, tooltip="Hide or show idle agents"
        ),
    ]

    DEFAULT_CSS = """
    AgentsScreen {
        #agents-body { height: 1fr; }
        #agents-title { padding: 0 1; color: $foreground-muted; width: 100%; }
        #agents-table { height: 1fr; }
        &.-wall #agents-table { text-style: bold; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.sort_by = "rank"
        self.descending = False
        self.show_idle = True
        self.order: list[int] = []  # agent ids, top to bottom
        self._view: AgentsView | None = None
        self._columns: tuple[Column, ...] = ()
        self._cells: dict[int, tuple[str, ...]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="agents-body"):
            yield Label("", id="agents-title")
            # rank, change and name stay in view when a narrow terminal scrolls sideways
            yield DataTable(
                id="agents-table", cursor_type="row", zebra_stripes=True, fixed_columns=3
            )

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#agents-table", DataTable)

    def build_view(self, data: DashboardData) -> AgentsView:
        return agents.view(data.snapshot, data.cfg, data.now, partial=data.partial)

    def render_view(self, view: AgentsView) -> None:
        self._view = view
        table = self.table
        if view.columns != self._columns:
            table.clear(columns=True)
            self._cells = {}
            self._columns = view.columns
            for col in view.columns:
                table.add_column(self._header(col), key=col.id)
        rows = agents.sort_rows(view.rows, self.sort_by, self.descending, show_idle=self.show_idle)
        cursor = self.cursor_agent
        wanted = {r.agent_id: r for r in rows}
        for gone in [a for a in self._cells if a not in wanted]:
            table.remove_row(str(gone))
            del self._cells[gone]
        for row in rows:
            cells = tuple(col.cell(row) for col in view.columns)
            old = self._cells.get(row.agent_id)
            if old is None:
                table.add_row(*self._tag(cells, row), key=str(row.agent_id))
            elif old != cells:
                for col, before, now in zip(view.columns, old, cells, strict=True):
                    if before != now:
                        value = Tagged(now, row.agent_id) if col is view.columns[0] else now
                        table.update_cell(str(row.agent_id), col.id, value)
            self._cells[row.agent_id] = cells
        self.order = [r.agent_id for r in rows]
        where = {a: i for i, a in enumerate(self.order)}
        table.sort(view.columns[0].id, key=lambda cell: where.get(cell.agent_id, len(where)))
        if cursor is not None and cursor in where:
            table.move_cursor(row=where[cursor], scroll=False)
        self._title(view)

    def _tag(self, cells: tuple[str, ...], row: AgentRow) -> list[str]:
        return [Tagged(cells[0], row.agent_id), *cells[1:]]

    def _header(self, col: Column) -> str:
        if col.id != self.sort_by:
            return col.header
        return f"{col.header} {'▼' if self.descending else '▲'}"

    def _title(self, view: AgentsView) -> None:
        col = agents.BY_ID[self.sort_by]
        idle = sum(r.idle for r in view.rows)
        named = {"rank": "rank", "change": "rank change"}.get(col.id, col.header.lower())
        parts = [f"last {view.window_days} days", f"sorted by {named}"]
        if idle:
            parts.append(f"{idle} idle {'shown last' if self.show_idle else 'hidden'} (i)")
        if view.scope:
            parts.append(f"filter: {view.scope}")
        if view.partial:
            parts.append(view.partial)
        self.query_one("#agents-title", Label).update(" · ".join(parts))

    @property
    def cursor_agent(self) -> int | None:
        """The agent the cursor is on (None: no rows)."""
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    # -- sorting ---------------------------------------------------------------------------
    def set_sort(self, column: str, descending: bool | None = None) -> None:
        col = agents.BY_ID[column]
        self.sort_by = column
        self.descending = col.descending if descending is None else descending
        self._relabel()

    def _relabel(self) -> None:
        for col in self._columns:
            self.table.columns[col.id].label = self._header_text(col)  # type: ignore[index]
        self.table.refresh()
        if self._view is not None:
            self.render_view(self._view)

    def _header_text(self, col: Column) -> Any:
        from rich.text import Text

        return Text(self._header(col))

    def action_sort(self, step: int) -> None:
        ids = [c.id for c in self._columns]
        if not ids:
            return
        if step == 0:
            self.set_sort(self.sort_by, not self.descending)
            return
        at = ids.index(self.sort_by) if self.sort_by in ids else -1
        self.set_sort(ids[(at + 1) % len(ids)])

    def action_idle(self) -> None:
        self.show_idle = not self.show_idle
        if self._view is not None:
            self.render_view(self._view)

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_by:
            self.set_sort(column, not self.descending)
        else:
            self.set_sort(column)

    @on(DataTable.RowSelected)
    def _open_agent(self, event: DataTable.RowSelected) -> None:
        if self._view is None or event.row_key.value is None:
            return
        agent_id = int(event.row_key.value)
        row = next((r for r in self._view.rows if r.agent_id == agent_id), None)
        data = self.data
        if row is None or data is None or data.snapshot is None:
            return
        from deskwatch.screens.agent_page import AgentPage

        self.app.push_screen(AgentPage(row, data))
