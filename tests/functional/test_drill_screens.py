"""Drill-down from the KPI (2), Talk (3) and operations (1) dashboards, driven through the app
with a generated cache: every option of the Enter picker that lists records says as many as
its list holds, clicks on a tile, a bar, a stacked column, an hourly bar and a top agent open
the right list, and a figure that lists nothing says why instead of opening a list."""

from __future__ import annotations

import re
from typing import Any

from textual.widgets import DataTable, OptionList

from deskwatch.kpis.catalogue import CATALOGUE
from deskwatch.screens.drill_picker import DrillPicker, option_text
from deskwatch.screens.tickets import TicketsScreen
from deskwatch.widgets.bar_list import BarList
from deskwatch.widgets.hourly_bars import HourlyBars
from deskwatch.widgets.stacked_bars import StackedBars
from tests.functional.app_fakes import make_app
from tests.functional.snapshot_apps.agents_app import NOW
from tests.functional.test_tickets_screen import CacheSource


async def _opened(pilot: Any, app: Any) -> TicketsScreen:
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, TicketsScreen), screen
    while screen.filling:
        await pilot.pause(0.02)
    return screen


def _check_picker(app: Any, source: CacheSource) -> int:
    """Every option's count is its list's size; returns how many were checked."""
    targets = app.screen.drill_targets()
    listed = 0
    for target in targets:
        text, ok = option_text(target)
        kpi = CATALOGUE[target[1]]
        if not ok:
            assert kpi.drill is None and kpi.unlisted in text
            continue
        count = int(re.search(r": ([\d,]+) (tickets|ratings|calls)$", text)[1].replace(",", ""))  # type: ignore[index]
        assert kpi.drill is not None
        rows = source.drill(kpi.drill, target[2], NOW)
        assert rows.height == count, text
        listed += 1
    return listed


async def test_kpi_screen_picker_clicks_on_bars_and_tiles() -> None:
    from deskwatch.screens.kpi import KpiScreen

    source = CacheSource()
    snap: Any = source.data.snapshot
    app = make_app(cfg=source.data.cfg, source=source, dashboards=(KpiScreen,))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        dashboard = app.screen
        # every tile and every bar is an option (the catalogue's count on it)
        listed = _check_picker(app, source)
        assert listed >= 5 + 3 + 6 + 5 + len(snap.tickets.by_channel)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillPicker)
        options = app.screen.query_one(OptionList)
        disabled = [
            str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
            if options.get_option_at_index(i).disabled
        ]
        assert any("median" in d for d in disabled), disabled
        await pilot.press("escape")
        await pilot.pause()
        # a long list: its first rows at once (limited), the whole list from a worker
        asked: list[Any] = []
        drill = source.drill

        def spy(figure: Any, arg: Any, now: Any, limit: int | None = None) -> Any:
            asked.append(limit)
            return drill(figure, arg, now, limit)

        source.drill = spy  # type: ignore[method-assign]
        bars = dashboard.query_one("#kpi-tickets-status", BarList)
        line = [b.key for b in bars._bars].index("closed")
        await pilot.click("#kpi-tickets-status", offset=(2, line))
        screen = await _opened(pilot, app)
        assert screen.query_one(DataTable).row_count == snap.tickets.status.closed > 200
        assert asked == [200, None] and screen.complete
        assert "loading" not in str(screen.query_one("#tickets-title").content)
        source.drill = drill  # type: ignore[method-assign]
        await pilot.press("escape")
        await pilot.pause()
        # a click on the "pending" line of the status bars lists the pending tickets
        bars = dashboard.query_one("#kpi-tickets-status", BarList)
        line = [b.key for b in bars._bars].index("pending")
        await pilot.click("#kpi-tickets-status", offset=(2, line))
        screen = await _opened(pilot, app)
        assert screen.query_one(DataTable).row_count == snap.tickets.status.pending > 0
        assert set(screen.rows["status"].to_list()) == {"pending"}
        await pilot.press("escape")
        await pilot.pause()
        # the CSAT tile lists the window's rated tickets' ratings
        await pilot.click("#kpi-csat-score")
        screen = await _opened(pilot, app)
        assert screen.kind == "ratings"
        assert screen.rows.height == snap.csat.good + snap.csat.bad > 0
        assert "Ticket" in [str(c.label) for c in screen.query_one(DataTable).columns.values()]
        await pilot.press("escape")
        await pilot.pause()
        # a median trend says why there is no list, and nothing opens
        await pilot.click("#kpi-tickets-first_reply_minutes")
        await pilot.pause()
        assert app.screen is dashboard
        assert any("median" in str(n.message) for n in app._notifications)


async def test_talk_screen_bars_columns_agents_and_live_tiles() -> None:
    from deskwatch.screens.talk import TalkScreen

    source = CacheSource()
    snap: Any = source.data.snapshot
    app = make_app(cfg=source.data.cfg, source=source, dashboards=(TalkScreen,))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(0.3)
        dashboard = app.screen
        assert _check_picker(app, source) >= 4 + 8 + len(snap.talk.unsuccessful.daily)
        # a reason's bar lists its calls today
        bars = dashboard.query_one("#talk-talk-unsuccessful-today", BarList)
        keys = [b.key for b in bars._bars]
        reason = max(keys, key=lambda k: getattr(snap.talk.unsuccessful.today, k))
        await pilot.click("#talk-talk-unsuccessful-today", offset=(2, keys.index(reason)))
        screen = await _opened(pilot, app)
        assert screen.kind == "calls"
        assert screen.rows.height == getattr(snap.talk.unsuccessful.today, reason) > 0
        assert set(screen.rows["outcome"].to_list()) == {reason}
        await pilot.press("escape")
        await pilot.pause()
        # the newest column of the stacked chart: today's unsuccessful calls
        stack = dashboard.query_one(StackedBars)
        width = stack.content_size.width
        x = next(x for x in range(width - 1, 0, -1) if stack.days_at(x) is not None)
        first, last = stack.days_at(x)  # type: ignore[misc]
        await pilot.click(StackedBars, offset=(x, 1))
        screen = await _opened(pilot, app)
        days = {d.date: d for d in snap.talk.unsuccessful.daily}
        want = sum(
            d.exceeded_wait + d.voicemail + d.abandoned + d.not_answered
            for date, d in days.items()
            if first <= date <= last
        )
        assert screen.rows.height == want > 0
        await pilot.press("escape")
        await pilot.pause()
        # a top agent's row: their calls accepted in the window
        agent = snap.talk.top_agents[1]
        await pilot.click("#talk-talk-top_agents", offset=(2, 2))
        screen = await _opened(pilot, app)
        assert screen.rows.height == agent.calls_accepted
        assert set(screen.rows["agent"].to_list()) == {agent.name}
        await pilot.press("escape")
        await pilot.pause()
        # a live queue tile has no records: it says so, nothing opens
        await pilot.click("#talk-talk-queue-calls_waiting")
        await pilot.pause()
        assert app.screen is dashboard
        assert any("no records" in str(n.message) for n in app._notifications)


async def test_a_click_on_an_hourly_bar_lists_that_hour() -> None:
    from deskwatch.screens.operations import OperationsScreen

    source = CacheSource()
    snap: Any = source.data.snapshot
    app = make_app(cfg=source.data.cfg, source=source, dashboards=(OperationsScreen,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        chart = app.screen.query_one(HourlyBars)
        spots = {}
        for x in range(chart.content_size.width):
            at = chart.hour_at(x)
            if at is not None:
                spots.setdefault(at, x)
        hours = {h for h, _ in spots}
        assert hours == set(range(len(chart._first)))  # every hour so far can be clicked
        hour = max(hours, key=lambda h: snap.ops.solved_per_hour_today[h])
        await pilot.click(HourlyBars, offset=(spots[(hour, 1)], 2))
        screen = await _opened(pilot, app)
        assert screen.rows.height == snap.ops.solved_per_hour_today[hour] > 0
        assert f"{hour:02d}:00" in screen.title_text
