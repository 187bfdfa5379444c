"""Pilot tests: the status bar, failures mid-run, burst collapse, wall rotation, warm data."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from deskwatch.app import DataUpdated
from deskwatch.live.dashboard import DashboardData
from deskwatch.widgets.status_bar import StatusBar
from deskwatch.zendesk.errors import AuthError, UnavailableError
from tests.functional.app_fakes import (
    NOW,
    AgentsPlaceholder,
    FakeSource,
    KpiPlaceholder,
    Placeholder,
    Status,
    make_app,
)
from tests.functional.app_fakes import config as make_config

SIZE = (120, 30)  # wide enough for the long status line


def view(app):  # type: ignore[no-untyped-def]
    return app.screen.query_one(StatusBar).view


async def test_live_status_shows_sync_time_api_budget_and_errors() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        v = view(app)
        assert v.state == "● live"
        assert v.detail == "synced 14:05:00 (0 s ago) · API 12/175/min · errors 0 · poll 10 s"


async def test_the_api_failing_mid_run_keeps_the_app_running_with_the_failure_visible() -> None:
    source = FakeSource()
    app = make_app(source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert view(app).state == "● live"
        source.fail = UnavailableError(
            "Zendesk did not answer after 6 attempts (connection refused)"
        )
        source.client_status = Status(state="unreachable", errors=6)
        await pilot.press("r")
        await pilot.pause(0.3)
        assert app.is_running
        v = view(app)
        assert v.kind == "warning"
        assert v.state.startswith("⟳ unreachable, retry in ")
        assert "errors 6" in v.detail
        messages = [n.message for n in app._notifications]
        assert any("connection refused" in m for m in messages)
        assert app.screen.query_one("#body").render()  # the last data is still on screen
        source.fail = None
        source.client_status = Status()
        app.poller.refresh_now()
        await pilot.pause(0.3)
        assert view(app).state == "● live"


async def test_client_retrying_shows_the_countdown() -> None:
    source = FakeSource()
    source.client_status = Status(state="rate_limited", retry_at=NOW + timedelta(seconds=42))
    app = make_app(source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert view(app).state == "⟳ retrying in 42 s"


async def test_auth_failure_is_shown_as_such() -> None:
    source = FakeSource()
    source.fail = AuthError("Zendesk rejected the OAuth token (401); check zendesk.auth")
    app = make_app(source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert view(app).state == "✖ auth failed"
        assert view(app).kind == "error"
        assert app.is_running


async def test_a_source_that_cannot_even_open_is_a_notification_not_a_crash() -> None:
    class Broken(FakeSource):
        async def open(self) -> None:
            raise OSError("state dir is read-only")

    app = make_app(source=Broken())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert app.is_running
        assert any("state dir is read-only" in n.message for n in app._notifications)
        assert view(app).state == "✖ not polling"
        assert "errors 1" in view(app).detail


async def test_a_burst_of_data_messages_collapses_into_the_newest() -> None:
    source = FakeSource()
    source.gate = asyncio.Event()  # no poll finishes: only our messages arrive
    app = make_app(source=source)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        before = len(screen.shown)
        cfg = app.cfg
        burst = [DashboardData(cfg, NOW, {"version": 100 + i}) for i in range(5)]
        for data in burst:
            app.post_message(DataUpdated(data))
        await pilot.pause(0.1)
        assert screen.shown[before:] == [burst[-1]]
        source.gate.set()


async def test_wall_mode_rotates_and_a_key_press_holds_the_rotation() -> None:
    clock = [1000.0]
    app = make_app(
        make_config(rotate_seconds=30),
        dashboards=(Placeholder, KpiPlaceholder, AgentsPlaceholder),
        wall=True,
        monotonic=lambda: clock[0],
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-wall")
        clock[0] += 29
        app._tick()
        assert app.current_mode == "ops"
        clock[0] += 1
        app._tick()
        assert app.current_mode == "kpi"
        assert app.screen.has_class("-wall")
        clock[0] += 20
        await pilot.press("z")  # any key, even an unbound one
        clock[0] += 15  # 35 s since the rotation, 15 s since the key
        app._tick()
        assert app.current_mode == "kpi"
        clock[0] += 15
        app._tick()
        assert app.current_mode == "agents"
        clock[0] += 30
        app._tick()
        assert app.current_mode == "ops"  # wraps


async def test_no_rotation_outside_wall_mode() -> None:
    clock = [1000.0]
    app = make_app(make_config(rotate_seconds=30), monotonic=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock[0] += 100
        app._tick()
        assert app.current_mode == "ops"


async def test_narrow_terminals_get_the_compact_status_line() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        assert view(app).detail == "14:05:00 (0 s) · API 12/175 · err 0 · poll 10 s"
