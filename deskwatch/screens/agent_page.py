"""One agent's page (Enter on the leaderboard): their figures against the team's, their open
tickets and their calls today. Enter on a figure (or ``t``) lists the tickets behind it; ``Esc``
goes back. Enter on "Solved" or "First reply median" lists the tickets behind it."""

from __future__ import annotations

from typing import Any, ClassVar

import polars as pl
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from deskwatch.kpis.catalogue import AGENT_CALLS_TODAY, AGENT_DRILLS, AGENT_OPEN
from deskwatch.kpis.drill import Drill
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DASHBOARD_KEYS, quiet_app_keys
from deskwatch.views.agent_page import page
from deskwatch.views.agents import AgentRow


class AgentPage(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="agent.back"),
        Binding("t", "open_tickets", "Open tickets", id="agent.open_tickets"),
        *quiet_app_keys(*DASHBOARD_KEYS),  # esc goes back
    ]

    DEFAULT_CSS = """
    AgentPage {
        #agent-title { padding: 0 1; text-style: bold; width: 100%; }
        #agent-trend { padding: 0 1; color: $accent; width: 100%; }
        #agent-figures { height: auto; max-height: 12; }
        .agent-section { padding: 1 1 0 1; color: $foreground-muted; }
        #agent-open, #agent-calls { height: 1fr; min-height: 4; }
        .-ahead { color: $success; }
        .-behind { color: $warning; }
    }
    """

    def __init__(self, row: AgentRow, data: DashboardData) -> None:
        super().__init__()
        self.row = row
        self.data = data
        assert data.snapshot is not None
        self.view = page(row, data.snapshot)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Label(self.view.title, id="agent-title", markup=False)
            yield Label(f"solved per day: {self.view.trend}", id="agent-trend", markup=False)
            yield DataTable(id="agent-figures", cursor_type="row", zebra_stripes=True)
            yield Label(
                "Open tickets (t: list them)", classes="agent-section", id="agent-open-title"
            )
            yield DataTable(id="agent-open", cursor_type="row")
            yield Label("Calls today", classes="agent-section", id="agent-calls-title")
            yield DataTable(id="agent-calls", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        figures = self.query_one("#agent-figures", DataTable)
        figures.add_columns("Figure", self.row.name, "Team", "")
        marks = {"ahead": "▲ ahead", "behind": "▼ behind", "": ""}
        for c in self.view.rows:
            figures.add_row(c.label, c.agent, c.team, marks[c.verdict])
        self._records()

    def _records(self) -> None:
        """The agent's open tickets and calls today: from this process's cache, or on a viewer
        from the collector (its saved cache on this host, or over the broker)."""
        source: Any = getattr(self.app, "records", None)
        records = getattr(source, "agent_records", None)
        if records is not None:
            self._fill(*records(self.row.agent_id, self.data.now))
            return
        node_drill = getattr(getattr(self.app, "poller", None), "drill", None)
        if node_drill is None:
            self._unavailable("Open tickets and calls need the collector's cache")
            return
        self.query_one("#agent-open-title", Label).update("Open tickets: asking the collector…")
        self.run_worker(self._from_collector(node_drill), group="agent-records")

    async def _from_collector(self, node_drill: Any) -> None:
        from deskwatch.live.roles import DrillUnavailable

        try:
            tickets = await node_drill(AGENT_OPEN, self.row.agent_id, self.data.now)
            calls = await node_drill(AGENT_CALLS_TODAY, self.row.agent_id, self.data.now)
        except DrillUnavailable as exc:
            self._unavailable(f"Open tickets and calls: {exc}")
            return
        note = tickets.note or calls.note
        self._fill(tickets.rows, calls.rows, f" · {note}" if note else "")

    def _unavailable(self, why: str) -> None:
        self.query_one("#agent-open", DataTable).display = False
        self.query_one("#agent-calls", DataTable).display = False
        self.query_one("#agent-open-title", Label).update(why)

    def _fill(self, tickets: pl.DataFrame, calls: pl.DataFrame, note: str = "") -> None:
        open_table = self.query_one("#agent-open", DataTable)
        calls_table = self.query_one("#agent-calls", DataTable)
        open_table.add_columns("Id", "Subject", "Status", "Priority", "Age")
        from deskwatch.screens.tickets import cell, cells

        for r in tickets.iter_rows(named=True):
            c = cells(r)
            open_table.add_row(c[0], c[1], c[2], c[3], c[7])
        self.query_one("#agent-open-title", Label).update(
            f"Open tickets: {tickets.height} (t: list them){note}"
        )
        calls_table.add_columns("Call", "Time", "Direction", "Outcome", "Talk", "Ticket")
        shown = ("id", "time", "direction", "outcome", "talk_seconds", "ticket_id")
        for r in calls.sort("time").iter_rows(named=True):
            calls_table.add_row(*(cell(c, r[c]) for c in shown))
        self.query_one("#agent-calls-title", Label).update(f"Calls today: {calls.height}")

    def action_back(self) -> None:
        self.dismiss(None)

    def action_open_tickets(self) -> None:
        self._drill(AGENT_OPEN, "open tickets")

    def _drill(self, drill: Drill, what: str) -> None:
        opener = getattr(self.app, "drill", None)
        if opener is not None:
            opener(drill, self.row.agent_id, f"{self.row.name}: {what}")

    @on(DataTable.RowSelected, "#agent-open")
    def _ticket(self) -> None:
        self.action_open_tickets()

    @on(DataTable.RowSelected, "#agent-figures")
    def _figure(self, event: DataTable.RowSelected) -> None:
        field = self.view.rows[event.cursor_row].field
        drill = AGENT_DRILLS.get(field or "")
        if drill is None:
            self.notify("No ticket list behind this figure", timeout=3)
            return
        self._drill(drill, self.view.rows[event.cursor_row].label.lower())
