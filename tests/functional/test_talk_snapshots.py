"""Snapshot tests of the Talk dashboard: fixed hand-written snapshot, frozen clock.

Regenerate (after LOOKING at the SVGs) with
``.venv/bin/pytest tests/functional/test_talk_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

import pytest

from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.talk import TalkScreen
from tests.functional.snapshot_apps.dash_app import DashApp
from tests.functional.snapshot_apps.dash_fixture import make_data

SIZES = [(80, 24), (120, 40), (200, 60)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_talk_screen(snap_compare: Any, size: tuple[int, int], theme: str) -> None:
    assert snap_compare(DashApp(TalkScreen, theme=theme), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_talk_off_in_the_config(snap_compare: Any, size: tuple[int, int]) -> None:
    """Talk off: one calm panel saying so and how to turn it on; no charts, no error."""
    assert snap_compare(DashApp(TalkScreen, make_data(talk=False)), terminal_size=size)


def test_talk_refused_by_the_account(snap_compare: Any) -> None:
    data = make_data()
    refused = DashboardData(
        data.cfg, data.now, data.snapshot, unavailable=frozenset({"calls", "queue"})
    )
    assert snap_compare(DashApp(TalkScreen, refused, theme="textual-light"), terminal_size=(80, 24))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_talk_wall_mode(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(DashApp(TalkScreen, wall=True), terminal_size=size)


def test_talk_no_color(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: reasons told apart by shade (█ ▓ ▒ ░), quality days by + and x."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(DashApp(TalkScreen), terminal_size=(120, 40))


def test_talk_ansi_theme_stale_queue(snap_compare: Any) -> None:
    data = make_data(stale=frozenset({"queue"}))
    assert snap_compare(DashApp(TalkScreen, data, theme="ansi-dark"), terminal_size=(120, 40))


@pytest.mark.parametrize(
    ("size", "lower"),
    [
        ((80, 24), False),
        ((120, 31), False),
        ((120, 32), True),
        ((120, 40), True),
        ((200, 60), True),
    ],
)
async def test_talk_fits_without_scrolling(size: tuple[int, int], lower: bool) -> None:
    """Under 32 rows (80x24) the lower row (top agents, quality) goes so that the rest fits;
    from 32 rows it is there; nothing scrolls at any of these sizes."""
    from textual.containers import VerticalScroll

    app = DashApp(TalkScreen)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        body = app.screen.query_one("#talk-body", VerticalScroll)
        assert body.max_scroll_y == 0, (size, body.virtual_size, body.size)
        assert app.screen.query_one("#talk-lower").display is lower
        assert app.screen.query_one("#talk-efficiency").region.height > 0
