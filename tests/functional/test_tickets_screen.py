"""The drill-down list: the tickets behind a tile, searchable, sortable, with the ticket's URL
(OSC 8 link and text) and copy; Esc goes back. Driven through the app with a real cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
from textual.widgets import DataTable, Label

from deskwatch.kpis.catalogue import CATALOGUE
from deskwatch.kpis.drill import Arg, Drill, listing
from deskwatch.screens.drill_picker import DrillPicker
from deskwatch.screens.tickets import TicketsScreen, matching
from tests.functional.app_fakes import FakeSource, make_app
from tests.functional.snapshot_apps.agents_app import NOW, make_cache, make_data


class CacheSource(FakeSource):
    """Computes nothing; lists tickets from a generated cache as LiveSource does."""

    def __init__(self) -> None:
        super().__init__()
        self.cache = make_cache()
        self.data = make_data(self.cache)

    async def compute(self, now: datetime) -> Any:
        return self.data.snapshot

    def drill(
        self, drill: Drill, arg: Arg, now: datetime, limit: int | None = None
    ) -> pl.DataFrame:
        frames = self.cache.frames
        subjects = self.cache.subjects
        return listing(frames, self.data.cfg, NOW, drill, arg, subjects=subjects, limit=limit)


async def test_drill_from_the_picker_search_sort_open_copy_and_back() -> None:
    from deskwatch.screens.operations import OperationsScreen

    source = CacheSource()
    app = make_app(source=source, dashboards=(OperationsScreen,))
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        dashboard = app.screen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillPicker)
        targets = app.screen.targets
        assert targets[0][1] == "tickets.created.today"
        await pilot.press("down", "down")  # the open tile
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TicketsScreen)
        open_now = source.data.snapshot.tickets.status.open  # type: ignore[union-attr]
        table = screen.query_one(DataTable)
        assert table.row_count == open_now == screen.rows.height
        assert set(screen.rows["status"].to_list()) == {"open"}
        # search narrows the rows; esc closes the search, not the screen
        await pilot.press("slash", *"vat", "enter")
        await pilot.pause()
        assert screen.query_text == "vat", screen.query_text
        assert 0 < table.row_count < open_now
        assert table.row_count == matching(screen.rows, "vat").height
        await pilot.press("escape")
        assert isinstance(app.screen, TicketsScreen)
        # sorting: s moves to the next column (subject), ascending
        await pilot.press("s")
        first = str(table.get_row_at(0)[1])
        assert first == min(matching(screen.rows, "vat")["subject"].to_list())
        await pilot.press("o")
        await pilot.pause()
        url = str(screen.query_one("#tickets-url", Label).content)
        assert url.startswith("http") and f"/agent/tickets/{screen.cursor_ticket}" in url
        await pilot.press("c")
        assert copied == [url]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dashboard


def test_catalogue_drills_are_named_by_the_figures() -> None:
    assert CATALOGUE["tickets.status.open"].drill == Drill("current", ("open",))
