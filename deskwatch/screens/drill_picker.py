"""Pick a figure of the screen to list the tickets behind it (Enter on a dashboard)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

#: (what the option says, catalogue id, argument: a bar's index or None)
Target = tuple[str, str, int | None]


class DrillPicker(ModalScreen[tuple[str, int | None, str] | None]):
    """Returns (catalogue id, argument, title) of the chosen figure, or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="drill.cancel"),
    ]

    DEFAULT_CSS = """
    DrillPicker {
        align: center middle;
        background: $background 60%;
        #drill-box {
            width: auto;
            min-width: 40;
            max-width: 90%;
            height: auto;
            max-height: 90%;
            border: round $accent;
            background: $surface;
            padding: 0 1;
        }
        #drill-title { text-style: bold; }
        #drill-options { height: auto; max-height: 20; }
    }
    """

    def __init__(self, targets: Sequence[Target]) -> None:
        super().__init__(id="drill-picker")
        self.targets = tuple(targets)

    def compose(self) -> ComposeResult:
        with Vertical(id="drill-box"):
            yield Label("Which tickets? (enter lists them, esc closes)", id="drill-title")
            yield OptionList(
                *(Option(text, id=str(i)) for i, (text, _, _) in enumerate(self.targets)),
                id="drill-options",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        text, kpi_id, arg = self.targets[int(event.option.id or 0)]
        self.dismiss((kpi_id, arg, text.split(":")[0]))

    def action_cancel(self) -> None:
        self.dismiss(None)
