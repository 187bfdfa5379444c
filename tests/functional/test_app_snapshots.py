"""SVG snapshots of the app chrome: status bar states and the PAUSED banner, frozen clock."""

from __future__ import annotations

from typing import Any

from deskwatch.zendesk.errors import UnavailableError
from tests.functional.app_fakes import FakeSource, Status, make_app


def test_paused_banner_and_status_bar_80x24(snap_compare: Any) -> None:
    async def pause(pilot: Any) -> None:
        await pilot.pause(0.2)
        await pilot.press("p")
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=pause)


def test_failing_api_in_the_status_bar_120x30(snap_compare: Any) -> None:
    source = FakeSource()
    source.fail = UnavailableError("Zendesk did not answer (connection refused)")
    source.client_status = Status(state="unreachable", errors=6, requests_last_minute=3)

    async def settle(pilot: Any) -> None:
        await pilot.pause(0.3)
        app = pilot.app
        app.clear_notifications()  # the toast is covered by the pilot tests; keep the bar clear
        await pilot.pause(0.1)

    assert snap_compare(make_app(source=source), terminal_size=(120, 30), run_before=settle)
