"""The help screen: every key binding with what it does (as remapped by the config)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
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
        #help-table { height: auto; max-height: 100%; width: auto; }
        #help-hint { color: $foreground-muted; }
    }
    """

    def __init__(self, rows: Sequence[tuple[str, str, str]], *, hint: str = "") -> None:
        """``rows``: (keys as displayed, description, binding id) for every binding."""
        super().__init__(id="help")
        self.rows = tuple(rows)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label("deskwatch · keys", id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Label(
                self.hint
                or 'Remap any key in the config\'s \\[keys] table: id = "key,key". esc closes.',
                id="help-hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Keys", "Does", "Id for \\[keys]")
        for keys, description, binding_id in self.rows:
            table.add_row(keys, description, binding_id)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
