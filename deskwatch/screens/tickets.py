"""The records behind a number (drill-down): tickets (id, subject, status, priority, assignee,
group, channel, age), or ratings behind CSAT (rating, ticket, score, comment, agent, group,
time), or calls behind a Talk figure (call, time, direction, agent, outcome, wait, talk, hold,
ticket). Sortable (``s``, or a click on a header), searchable (``/``); ``o`` shows the ticket's
Zendesk URL as an OSC 8 hyperlink (and as text: over SSH there is no browser), ``c`` copies it
where the terminal allows (OSC 52), ``Esc`` goes back.

A long list comes in two steps: the first rows by id at once (listed with a limit, a
top-k), the whole list computed in a worker thread and handed over with :meth:`set_rows`; it
is put in the table gradually, the first rows at once and the rest in chunks after each screen
refresh (the UI never freezes), with "loading N of M" in the title until done.
"""

from __future__ import annotations

from datetime import datetime
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

from deskwatch.format import fmt_count, fmt_minutes, fmt_seconds
from deskwatch.screens.base import DASHBOARD_KEYS, quiet_app_keys

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
RATING_HEADERS = {
    "id": "Rating",
    "ticket_id": "Ticket",
    "score": "Score",
    "comment": "Comment",
    "assignee": "Agent",
    "group": "Group",
    "time": "Time",
}
CALL_HEADERS = {
    "id": "Call",
    "time": "Time",
    "direction": "Direction",
    "agent": "Agent",
    "outcome": "Outcome",
    "wait_seconds": "Wait",
    "talk_seconds": "Talk",
    "hold_seconds": "Hold",
    "ticket_id": "Ticket",
}
#: per kind of record: (column headers, the noun, the column naming the ticket to open)
KINDS: dict[str, tuple[dict[str, str], str, str]] = {
    "tickets": (HEADERS, "tickets", "id"),
    "ratings": (RATING_HEADERS, "ratings", "ticket_id"),
    "calls": (CALL_HEADERS, "calls", "ticket_id"),
}
#: rows put in the table at once, then per chunk (after each refresh)
FIRST_ROWS = 200
CHUNK_ROWS = 2000


def ticket_url(base_url: str, ticket_id: int) -> str:
    return f"{base_url.rstrip('/')}/agent/tickets/{ticket_id}"


def hyperlink(url: str) -> Content:
    """``url`` as text carrying an OSC 8 hyperlink (terminals that support it make it
    clickable; the others show the URL)."""
    return Content(url).stylize(Style(link=url))


def cell(column: str, value: Any) -> str:
    """One value as the list shows it."""
    if column == "age_hours":
        return fmt_minutes(None if value is None else value * 60)
    if column.endswith("_seconds"):
        return fmt_seconds(value)
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{value:%d %b %H:%M}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.replace("_", " ") if column == "outcome" else value
    return str(value)


def cells(row: dict[str, Any]) -> list[str]:
    """A ticket row's cells, in :data:`HEADERS` order (the subject may be empty)."""
    return [("" if c == "subject" and not row.get(c) else cell(c, row.get(c))) for c in HEADERS]


def matching(rows: pl.DataFrame, query: str) -> pl.DataFrame:
    """Rows with ``query`` (case-insensitive) in any text column or as their id."""
    q = query.strip().casefold()
    if not q:
        return rows
    hit = pl.lit(False)
    for name, dtype in rows.schema.items():
        if name == "id" or name == "ticket_id" or dtype == pl.String:
            text = pl.col(name).cast(pl.String)
            hit = hit | text.str.to_lowercase().str.contains(q, literal=True)
    return rows.filter(hit.fill_null(False))


class TicketsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="tickets.back"),
        Binding("slash", "search", "Search", id="tickets.search"),
        Binding("s", "sort", "Sort", id="tickets.sort"),
        Binding("o", "open", "Open", id="tickets.open"),
        Binding("c", "copy", "Copy URL", id="tickets.copy"),
        *quiet_app_keys(*DASHBOARD_KEYS, "filter"),  # esc goes back
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

    def __init__(
        self,
        title: str,
        rows: pl.DataFrame,
        base_url: str,
        *,
        kind: str = "tickets",
        note: str = "",
        complete: bool = True,
    ) -> None:
        """``complete`` False: ``rows`` are the first rows by id; :meth:`set_rows` brings
        the whole list."""
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.base_url = base_url
        self.kind = kind
        self.headers, self.noun, self.url_column = KINDS[kind]
        #: what the list covers besides the figure ("group Billing", "account-wide")
        self.note = note
        self.sort_by = "id"
        self.descending = False
        self.query_text = ""
        self._opening = False
        self._shown = rows
        self._loaded = 0
        self._fill_id = 0
        self.complete = complete
        self._ready = False  # the table has its columns

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Label("", id="tickets-title", markup=False)
            yield Input(placeholder=f"search {self.noun} (enter)", id="tickets-search")
            yield DataTable(id="tickets-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="tickets-url")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, header in self.headers.items():
            table.add_column(header, key=key)
        self._ready = True
        self._fill()
        table.focus()  # not the (hidden) search box

    @property
    def shown(self) -> pl.DataFrame:
        rows = matching(self.rows, self.query_text)
        return rows.sort(self.sort_by, descending=self.descending, nulls_last=True)

    @property
    def filling(self) -> bool:
        """Whether rows are still coming, or being put in the table."""
        return not self.complete or self._loaded < self._shown.height

    def set_rows(self, rows: pl.DataFrame) -> None:
        """The whole list (after the first rows): shown with the current sort and search,
        the cursor kept on its row."""
        self.rows, self.complete = rows, True
        if not self._ready:  # on_mount fills the table with them
            return
        table = self.query_one(DataTable)
        row = table.cursor_row
        self._fill()
        if 0 < row < table.row_count:
            table.move_cursor(row=row)

    def _fill(self) -> None:
        self.query_one(DataTable).clear()
        self._shown = self.shown
        self._loaded = 0
        self._fill_id += 1
        self._load(self._fill_id, FIRST_ROWS)

    def _load(self, fill_id: int, count: int) -> None:
        if fill_id != self._fill_id or not self._ready or not self.is_attached:
            return  # a newer sort or search started over
        table = self.query_one(DataTable)
        part = self._shown.slice(self._loaded, count)
        columns = list(self.headers)
        for row in part.iter_rows(named=True):
            table.add_row(*(cell(c, row[c]) for c in columns), key=str(row["id"]))
        self._loaded += part.height
        self._title()
        if self._loaded < self._shown.height:
            self.call_after_refresh(self._load, fill_id, CHUNK_ROWS)

    def _title(self) -> None:
        shown = self._shown
        total = f"{fmt_count(self.rows.height)} {self.noun}"
        if not self.complete:
            total = f"the first {fmt_count(self.rows.height)} {self.noun}"
        found = f" · {fmt_count(shown.height)} match /{self.query_text}" if self.query_text else ""
        order = f"{self.headers[self.sort_by].lower()} {'▼' if self.descending else '▲'}"
        note = f" · {self.note}" if self.note else ""
        loading = ""
        if not self.complete:
            loading = " · loading the rest…"
        elif self.filling:
            loading = f" · loading {fmt_count(self._loaded)} of {fmt_count(shown.height)}…"
        self.query_one("#tickets-title", Label).update(
            f"{self.title_text}: {total}{note}{found} · sorted by {order}{loading}"
        )

    @property
    def cursor_ticket(self) -> int | None:
        """The ticket of the row under the cursor (a rating's or a call's ticket)."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        if key.value is None:
            return None
        if self.url_column == "id":
            return int(key.value)
        found = self.rows.filter(pl.col("id") == int(key.value)).get_column(self.url_column)
        return None if found.is_empty() or found[0] is None else int(found[0])

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
            self.sort_by = column
            self.descending = column in ("age_hours", "time") or column.endswith("_seconds")
        self._fill()

    def action_sort(self) -> None:
        keys = list(self.headers)
        self.set_sort(keys[(keys.index(self.sort_by) + 1) % len(keys)])

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.set_sort(str(event.column_key.value))

    def _url(self) -> str | None:
        ticket = self.cursor_ticket
        if ticket is None:
            if self.query_one(DataTable).row_count:
                self.notify("No ticket behind this call", timeout=3)
            return None
        return ticket_url(self.base_url, ticket)

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
