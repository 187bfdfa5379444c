"""The filter bar (``f``): pick groups, brands and channels; every dashboard then counts only
those tickets (KPIS.md "Filters"). Returns the picked ids and names, or None when cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList

from deskwatch.kpis.filters import FilterChoices


@dataclass(frozen=True)
class FilterPick:
    groups: tuple[int, ...]
    brands: tuple[int, ...]
    channels: tuple[str, ...]
    #: also write it to the config file ([filters])
    save: bool = False


class FilterScreen(ModalScreen[FilterPick | None]):
    """Three lists (space toggles, tab moves on); Enter or Apply applies, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
        Binding("enter", "apply", "Apply", id="filter.apply", priority=True),
        Binding("ctrl+r", "clear", "Clear all", id="filter.clear"),
        Binding("ctrl+s", "save", "Apply and save", id="filter.save", priority=True),
    ]

    DEFAULT_CSS = """
    FilterScreen {
        align: center middle;
        background: $background 60%;
        #filter-box {
            width: 90%;
            max-width: 110;
            height: auto;
            max-height: 90%;
            border: round $accent;
            background: $surface;
            padding: 0 1;
        }
        #filter-title { text-style: bold; width: 100%; content-align: center middle; }
        #filter-lists { height: auto; max-height: 20; }
        #filter-lists SelectionList { width: 1fr; height: auto; max-height: 18; }
        #filter-hint { color: $foreground-muted; }
        #filter-buttons { height: auto; align-horizontal: right; }
        #filter-buttons Button { margin-left: 1; min-width: 10; }
    }
    """

    def __init__(
        self,
        choices: FilterChoices,
        groups: tuple[int, ...] = (),
        brands: tuple[int, ...] = (),
        channels: tuple[str, ...] = (),
    ) -> None:
        super().__init__(id="filter")
        self.choices = choices
        self.picked = FilterPick(groups, brands, channels)

    def compose(self) -> ComposeResult:
        c, p = self.choices, self.picked
        with Vertical(id="filter-box"):
            yield Label("Filter every dashboard to these tickets", id="filter-title")
            with Horizontal(id="filter-lists"):
                groups = SelectionList[int](
                    *((name, gid, gid in p.groups) for gid, name in c.groups), id="filter-groups"
                )
                groups.border_title = "Groups"
                yield groups
                brands = SelectionList[int](
                    *((name, bid, bid in p.brands) for bid, name in c.brands), id="filter-brands"
                )
                brands.border_title = "Brands"
                yield brands
                channels = SelectionList[str](
                    *((ch, ch, ch in p.channels) for ch in c.channels), id="filter-channels"
                )
                channels.border_title = "Channels"
                yield channels
            yield Label(
                "space: pick · tab: next list · enter: apply · ctrl+s: apply and save to "
                "the config · ctrl+r: clear · esc: cancel. "
                "None picked in a list: all of them. Talk figures stay account-wide.",
                id="filter-hint",
            )
            with Horizontal(id="filter-buttons"):
                yield Button("Clear", id="filter-clear")
                yield Button("Cancel", id="filter-cancel")
                yield Button("Save", id="filter-save")
                yield Button("Apply", id="filter-apply", variant="primary")

    def _pick(self) -> FilterPick:
        def chosen(list_id: str) -> list[int | str]:
            return list(self.query_one(list_id, SelectionList).selected)

        return FilterPick(
            tuple(sorted(int(g) for g in chosen("#filter-groups"))),
            tuple(sorted(int(b) for b in chosen("#filter-brands"))),
            tuple(sorted(str(ch) for ch in chosen("#filter-channels"))),
        )

    def action_apply(self) -> None:
        self.dismiss(self._pick())

    def action_save(self) -> None:
        pick = self._pick()
        self.dismiss(FilterPick(pick.groups, pick.brands, pick.channels, save=True))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_clear(self) -> None:
        for lst in self.query(SelectionList):
            lst.deselect_all()

    @on(Button.Pressed, "#filter-apply")
    def _apply(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#filter-save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#filter-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#filter-clear")
    def _clear(self) -> None:
        self.action_clear()
