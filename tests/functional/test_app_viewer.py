"""The app as a viewer: it shows what the collector published, and what only the collector can
change (the KPI window, the filter, polling) is refused with a notice naming the collector,
never a silent no-op nor a window label that does not match the figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskwatch.app import DeskwatchApp
from deskwatch.config import build_config
from deskwatch.live.broker import LocalBroker
from deskwatch.live.roles import Node
from deskwatch.live.wire import encode_data
from deskwatch.screens.operations import OperationsScreen
from tests.functional.snapshot_apps.ops_fixture import make_data

URL = "https://viewer.zendesk.example"


def viewer_app(state: Path) -> DeskwatchApp:
    cfg = build_config(
        {"zendesk": {"url": URL}, "poll": {"live": 2}, "sync": {"history_days": 60}},
        env={},
        require_account=False,
        state_dir=state,
    )

    def feed(**callbacks: Any) -> Node:
        return Node(cfg, LocalBroker(state, URL), lambda: None, collect=False, **callbacks)

    return DeskwatchApp(cfg, None, feed=feed, dashboards=(OperationsScreen,))


def notices(app: DeskwatchApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_viewer_refuses_the_window_and_the_filter_and_says_who_decides(tmp_path: Path):
    data = make_data()
    data = replace(data, cfg=replace(data.cfg, zendesk=replace(data.cfg.zendesk, url=URL)))
    await LocalBroker(tmp_path, URL).publish("data", encode_data(data, datetime.now(UTC)))
    app = viewer_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if app.data is not None:
                break
        assert app.data is not None and app.data.snapshot == data.snapshot
        days = app.cfg.kpis.window_days
        await pilot.press("]")
        await pilot.pause()
        assert app.cfg.kpis.window_days == days
        assert any("viewer" in n and "KPI window" in n for n in notices(app)), notices(app)
        app.set_window_days(7)  # the command palette's way
        app.set_filter(channels=("email",))
        await pilot.pause()
        assert app.cfg.kpis.window_days == days and not app.cfg.filters.active
        assert any("viewer" in n and "filter" in n for n in notices(app)), notices(app)
        # drill-down on a viewer of this host: the collector's saved cache (none here: said)
        app.drill("tickets.unsolved")
        for _ in range(40):
            await pilot.pause(0.05)
            if any("No list" in n for n in notices(app)):
                break
        assert any("no saved cache" in n for n in notices(app)), notices(app)
