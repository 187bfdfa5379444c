"""A minimal app showing the records behind a catalogue figure (drill-down list), listed from
the generated cache of ``agents_app`` (fixed seed, frozen clock)."""

from __future__ import annotations

from textual.app import App

from deskwatch.kpis.catalogue import CATALOGUE
from deskwatch.kpis.drill import Arg, listing
from deskwatch.screens.tickets import TicketsScreen

from .agents_app import NOW, make_cache, make_data


class DrillApp(App[None]):
    def __init__(self, figure: str, arg: Arg = None, title: str = "", note: str = "") -> None:
        super().__init__()
        cache = make_cache()
        data = make_data(cache)
        drill = CATALOGUE[figure].drill
        assert drill is not None
        self.rows = listing(cache.frames, data.cfg, NOW, drill, arg, subjects=cache.subjects)
        self.kind = drill.stream
        self.title_text = title or CATALOGUE[figure].label
        self.note = note

    def on_mount(self) -> None:
        self.push_screen(
            TicketsScreen(
                self.title_text,
                self.rows,
                "https://example.zendesk.com",
                kind=self.kind,
                note=self.note,
            )
        )


if __name__ == "__main__":
    DrillApp("talk.unsuccessful.window", "abandoned").run()
