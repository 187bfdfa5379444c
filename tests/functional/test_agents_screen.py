"""The agents dashboard: snapshots at three sizes; sorting by key and by header click; an
in-place refresh keeps the cursor's agent, the sort and the scroll; Enter opens the agent."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from deskwatch.screens.agent_page import AgentPage
from deskwatch.screens.agents import AgentsScreen
from deskwatch.views.agents import sort_rows
from tests.functional.snapshot_apps.agents_app import AgentsApp, make_cache, make_data


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_agents_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(AgentsApp(), terminal_size=size)


def names(screen: AgentsScreen) -> list[str]:
    table = screen.table
    return [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


async def test_sort_keys_header_clicks_and_idle_toggle() -> None:
    app = AgentsApp()
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgentsScreen)
        view = screen._view
        assert view is not None
        ranked = names(screen)
        assert ranked[-1] == "Gus Ito"  # idle: last
        await pilot.press("s")  # rank -> change
        await pilot.press("s")  # -> name
        assert screen.sort_by == "name" and not screen.descending
        expected = [r.name for r in sort_rows(view.rows, "name", False)]
        assert names(screen) == expected
        await pilot.press("S")
        assert screen.descending
        assert names(screen) == [r.name for r in sort_rows(view.rows, "name", True)]
        # a header click sorts by that column (bigger first for solved), again: reversed
        key = ColumnKey("solved")
        label = screen.table.columns[key].label
        screen.table.post_message(DataTable.HeaderSelected(screen.table, key, 3, label))
        await pilot.pause()
        assert screen.sort_by == "solved" and screen.descending
        assert names(screen) == [r.name for r in sort_rows(view.rows, "solved", True)]
        await pilot.press("i")
        assert "Gus Ito" not in names(screen)
        await pilot.press("i")
        assert names(screen)[-1] == "Gus Ito"


async def test_an_in_place_refresh_keeps_cursor_sort_and_scroll() -> None:
    app = AgentsApp()
    async with app.run_test(size=(120, 9)) as pilot:  # a short terminal: the table scrolls
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgentsScreen)
        screen.set_sort("first_reply")
        table = screen.table
        await pilot.press("down", "down", "down", "down", "down")
        agent = screen.cursor_agent
        scroll = table.scroll_y
        assert scroll > 0
        before = {k: v for k, v in screen._cells.items()}
        # more tickets: the figures change, the rows are updated, not rebuilt
        screen.show(make_data(make_cache(extra=400)))
        await pilot.pause()
        assert screen._cells != before
        assert screen.table is table and screen.sort_by == "first_reply"
        assert screen.cursor_agent == agent
        assert table.scroll_y == scroll
        order = screen.order
        view = screen._view
        assert view is not None
        assert order == [r.agent_id for r in sort_rows(view.rows, "first_reply", False)]


async def test_enter_opens_the_agent_page() -> None:
    app = AgentsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgentsScreen)
        first = screen.cursor_agent
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, AgentPage) and page.row.agent_id == first
        labels = [c.label for c in page.view.rows]
        assert labels[0].startswith("Solved") and "CSAT" in labels
        await pilot.press("escape")
        assert app.screen is screen


class _Collector:
    """A viewer's node: every listing comes from the collector (here: the same cache)."""

    def __init__(self, cache: Any, cfg: Any, unavailable: str = "") -> None:
        self.cache, self.cfg, self.unavailable = cache, cfg, unavailable
        self.asked: list[Any] = []

    async def drill(self, drill: Any, arg: Any, now: Any) -> Any:
        from deskwatch.live.roles import DrillUnavailable, Listing
        from deskwatch.live.source import drill_listing

        self.asked.append((drill, arg))
        if self.unavailable:
            raise DrillUnavailable(self.unavailable)
        rows = drill_listing(self.cfg, self.cache.frames, drill, arg, now)
        return Listing(rows, note="from the cache saved at 14:05:00")


@pytest.mark.parametrize("unavailable", ["", "no collector answers"])
async def test_the_agent_page_on_a_viewer_asks_the_collector(unavailable: str) -> None:
    from deskwatch.kpis.catalogue import AGENT_CALLS_TODAY, AGENT_OPEN
    from deskwatch.live.source import drill_listing

    cache = make_cache()
    data = make_data(cache)
    app = AgentsApp(data)
    node = _Collector(cache, data.cfg, unavailable)
    app.poller = node  # type: ignore[attr-defined]  # a viewer: no cache of its own
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        page = app.screen
        assert isinstance(page, AgentPage)
        for _ in range(40):
            await pilot.pause(0.05)
            if "asking" not in str(page.query_one("#agent-open-title").render()):
                break
        title = str(page.query_one("#agent-open-title").render())
        opened = page.query_one("#agent-open", DataTable)
        calls = page.query_one("#agent-calls", DataTable)
        asked = [d for d, _ in node.asked]
        if unavailable:  # said once, on the first list asked for
            assert asked == [AGENT_OPEN]
            assert unavailable in title and not opened.display
            return
        assert asked == [AGENT_OPEN, AGENT_CALLS_TODAY]
        agent = page.row.agent_id
        want_open = drill_listing(data.cfg, cache.frames, AGENT_OPEN, agent, data.now)
        want_calls = drill_listing(data.cfg, cache.frames, AGENT_CALLS_TODAY, agent, data.now)
        assert want_open.height > 0
        assert opened.row_count == want_open.height and calls.row_count == want_calls.height
        assert f"Open tickets: {want_open.height}" in title and "saved at" in title
