"""The help screen: every key binding with what it does (as remapped by the config), and the
figures on the current dashboard as the KPI catalogue declares them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label


class HelpScreen(ModalScreen[None]):
    """A modal table of (keys, action, binding id). ``escape``/``?``/``q`` close it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss_help", "Close help", id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help-box {
            width: auto;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $accent;
            background: $surface;
            padding: 0 1;
        }
        #help-title { text-style: bold; width: 100%; content-align: center middle; }
        #help-table, #help-figures { height: auto; width: auto; }
        #help-figures-title { text-style: bold; margin-top: 1; }
        #help-hint { color: $foreground-muted; }
    }
    """

    def __init__(
        self,
        rows: Sequence[tuple[str, str, str]],
        *,
        figures: Sequence[tuple[str, str, str]] = (),
        hint: str = "",
    ) -> None:
        """``rows``: (keys as displayed, description, binding id) for every binding;
        ``figures``: (label, what it is, catalogue id) for the dashboard's figures."""
        super().__init__(id="help")
        self.rows = tuple(rows)
        self.figures = tuple(figures)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Label("deskwatch · keys", id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Label(
                self.hint
                or 'Remap any key in the config\'s \\[keys] table: id = "key,key". esc closes.',
                id="help-hint",
            )
            if self.figures:
                yield Label("Figures on this dashboard", id="help-figures-title")
                yield DataTable(id="help-figures", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#help-table", DataTable)
        table.add_columns("Keys", "Does", "Id for \\[keys]")
        for keys, description, binding_id in self.rows:
            table.add_row(keys, description, binding_id)
        if self.figures:
            figures = self.query_one("#help-figures", DataTable)
            figures.add_columns("Figure", "What it is", "Id")
            for row in self.figures:
                figures.add_row(*row)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
