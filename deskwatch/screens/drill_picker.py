"""Pick a figure of the screen to list the records behind it (Enter on a dashboard): every
tile and every bar of the screen is an option; a figure that lists nothing (a median, a live
queue figure) is shown disabled with the reason, so nothing misleading opens."""

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

from deskwatch.kpis.catalogue import CATALOGUE
from deskwatch.kpis.drill import Arg

#: (what the option says, catalogue id, argument: a bar's key, an hour, a day, an agent, None)
Target = tuple[str, str, Arg]


def option_text(target: Target) -> tuple[str, bool]:
    """What the option says, and whether it lists anything."""
    text, kpi_id, _ = target
    kpi = CATALOGUE.get(kpi_id)
    if kpi is None or kpi.drill is None:
        reason = "" if kpi is None else kpi.unlisted
        return f"{text} · no list: {reason}", False
    return text, True


class DrillPicker(ModalScreen[tuple[str, Arg, str] | None]):
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
            max-width: 96%;
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
            yield Label("Which records? (enter lists them, esc closes)", id="drill-title")
            options = []
            for i, target in enumerate(self.targets):
                text, listed = option_text(target)
                options.append(Option(text, id=str(i), disabled=not listed))
            yield OptionList(*options, id="drill-options")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        text, kpi_id, arg = self.targets[int(event.option.id or 0)]
        self.dismiss((kpi_id, arg, text.rsplit(": ", 1)[0]))

    def action_cancel(self) -> None:
        self.dismiss(None)
