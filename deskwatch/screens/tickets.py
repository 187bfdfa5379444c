"""The tickets behind a number (drill-down): id, subject, status, priority, assignee, group,
channel, age. Sortable (``s``, or a click on a header), searchable (``/``); ``o`` shows the
ticket's Zendesk URL as an OSC 8 hyperlink (and as text: over SSH there is no browser), ``c``
copies it where the terminal allows (OSC 52), ``Esc`` goes back."""

from __future__ import annotations

from typing import Any, ClassVar

import polars as pl
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import DataTable, Footer, Header, Input, Label

from deskwatch.format import fmt_count, fmt_minutes

HEADERS = {
    "id": "Id",
    "subject": "Subject",
    "status": "Status",
    "priority": "Priority",
    "assignee": "Assignee",
    "group": "Group",
    "channel": "Channel",
    "age_hours": "Age",
}


def ticket_url(base_url: str, ticket_id: int) -> str:
    return f"{base_url.rstrip('/')}/agent/tickets/{ticket_id}"


def hyperlink(url: str) -> Content:
    """``url`` as text carrying an OSC 8 hyperlink (terminals that support it make it
    clickable; the others show the URL)."""
    return Content(url).stylize(Style(link=url))


def cells(row: dict[str, Any]) -> list[str]:
    age = row.get("age_hours")
    return [
        str(row["id"]),
        row.get("subject") or "",
        row.get("status") or "",
        row.get("priority") or "—",
        row.get("assignee") or "—",
        row.get("group") or "—",
        row.get("channel") or "",
        fmt_minutes(None if age is None else age * 60),
    ]


def matching(rows: pl.DataFrame, query: str) -> pl.DataFrame:
    """Rows with ``query`` (case-insensitive) in any text column or as their id."""
    q = query.strip().casefold()
    if not q:
        return rows
    text = [c for c in ("subject", "status", "priority", "assignee", "group", "channel")]
    hit = pl.col("id").cast(pl.String).str.contains(q, literal=True)
    for c in text:
        hit = hit | pl.col(c).cast(pl.String).str.to_lowercase().str.contains(q, literal=True)
    return rows.filter(hit.fill_null(False))


class TicketsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="tickets.back"),
        Binding("slash", "search", "Search", id="tickets.search"),
        Binding("s", "sort", "Sort", id="tickets.sort"),
        Binding("o", "open", "Open", id="tickets.open"),
        Binding("c", "copy", "Copy URL", id="tickets.copy"),
    ]

    DEFAULT_CSS = """
    TicketsScreen {
        #tickets-title { padding: 0 1; text-style: bold; width: 100%; }
        #tickets-search { display: none; }
        #tickets-search.-on { display: block; }
        #tickets-table { height: 1fr; }
        #tickets-url { padding: 0 1; color: $accent; width: 100%; height: 1; }
    }
    """

    def __init__(self, title: str, rows: pl.DataFrame, base_url: str) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.base_url = base_url
        self.sort_by = "id"
        self.descending = False
        self.query_text = ""
        self._opening = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Label("", id="tickets-title", markup=False)
            yield Input(
                placeholder="search: id, subject, assignee, group… (enter)", id="tickets-search"
            )
            yield DataTable(id="tickets-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="tickets-url")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, header in HEADERS.items():
            table.add_column(header, key=key)
        self._fill()
        table.focus()  # not the (hidden) search box

    @property
    def shown(self) -> pl.DataFrame:
        rows = matching(self.rows, self.query_text)
        return rows.sort(self.sort_by, descending=self.descending, nulls_last=True)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        shown = self.shown
        for row in shown.iter_rows(named=True):
            table.add_row(*cells(row), key=str(row["id"]))
        total = fmt_count(self.rows.height)
        found = f" · {fmt_count(shown.height)} match /{self.query_text}" if self.query_text else ""
        order = f"{HEADERS[self.sort_by].lower()} {'▼' if self.descending else '▲'}"
        self.query_one("#tickets-title", Label).update(
            f"{self.title_text}: {total} tickets{found} · sorted by {order}"
        )

    @property
    def cursor_ticket(self) -> int | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def action_back(self) -> None:
        search = self.query_one("#tickets-search", Input)
        if search.has_class("-on"):
            search.remove_class("-on")
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)

    def action_search(self) -> None:
        search = self.query_one("#tickets-search", Input)
        search.add_class("-on")
        search.focus()
        self._opening = True

    @on(Input.Changed, "#tickets-search")
    def _searched(self, event: Input.Changed) -> None:
        value = event.input.value  # the newest (the events may lag behind the typing)
        if self._opening and value.startswith("/"):  # the key that opened the search
            self._opening = False
            event.input.value = value[1:]
            return
        self._opening = False
        if value != self.query_text:
            self.query_text = value
            self._fill()

    @on(Input.Submitted, "#tickets-search")
    def _search_done(self) -> None:
        self.query_one(DataTable).focus()

    def set_sort(self, column: str) -> None:
        if column == self.sort_by:
            self.descending = not self.descending
        else:
            self.sort_by, self.descending = column, column == "age_hours"
        self._fill()

    def action_sort(self) -> None:
        keys = list(HEADERS)
        self.set_sort(keys[(keys.index(self.sort_by) + 1) % len(keys)])

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.set_sort(str(event.column_key.value))

    def _url(self) -> str | None:
        ticket = self.cursor_ticket
        return None if ticket is None else ticket_url(self.base_url, ticket)

    def action_open(self) -> None:
        url = self._url()
        if url is None:
            return
        link = hyperlink(url)
        self.query_one("#tickets-url", Label).update(link)
        self.notify(f"[link={url!r}]{url}[/link]", title="Open in Zendesk (click; c copies)")

    def action_copy(self) -> None:
        url = self._url()
        if url is None:
            return
        self.app.copy_to_clipboard(url)
        self.query_one("#tickets-url", Label).update(hyperlink(url))
        self.notify(f"Copied {url} (where the terminal allows)", timeout=5)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()
