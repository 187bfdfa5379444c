"""The real app on the real data path: simulator over loopback HTTP, client, cache, KPIs."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from deskwatch.app import DeskwatchApp
from deskwatch.config import build_config
from deskwatch.live.source import LiveSource
from deskwatch.screens.operations import OperationsScreen
from deskwatch.widgets.status_bar import StatusBar
from deskwatch.zendesk import ZendeskClient

SIM = dict(
    seed=11, speed=0, history_days=35, tickets=1500, calls=300,
    incremental_limit=100_000, account_limit=100_000,  # the client goes as fast as it may
)  # fmt: skip
SIM_PER_TEST = True  # tests change its faults or clock


def make(sim: Any, state_dir: Path) -> tuple[DeskwatchApp, LiveSource]:
    data = tomllib.loads(sim.config_toml())
    data["sync"] = {"history_days": 35}
    cfg = build_config(data, env={}, state_dir=state_dir)
    client = ZendeskClient(cfg, max_attempts=2)
    source = LiveSource(cfg, state_dir, client=client)
    return DeskwatchApp(cfg, source), source


async def wait_for(pilot: Any, condition: Any, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("condition not met in time")


def view(app: DeskwatchApp) -> Any:
    return app.screen.query_one(StatusBar).view


async def test_first_sync_goes_live_then_auth_failure_mid_run_is_shown_not_fatal(
    sim: Any, tmp_path: Path
) -> None:
    app, source = make(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: view(app) is not None and view(app).state == "● live")
        # live first (today), then the history backfill completes the figures (and the data
        # shown is computed from all of it: a compute that began before the backfill's last
        # page is emitted, then computed again)
        await wait_for(
            pilot,
            lambda: (
                app.data is not None
                and not app.data.stale
                and not app.data.partial
                and app.poller._compute_task is None
                and app.poller._computed_version == source.cache.version
            ),
        )
        assert isinstance(app.screen, OperationsScreen)
        assert app.data is not None and app.data.snapshot is not None
        unsolved = app.data.snapshot.tickets.unsolved
        assert unsolved > 0
        sim.revoke_tokens()  # the API starts refusing us mid-run
        await pilot.press("r")
        await wait_for(pilot, lambda: view(app).state == "✖ auth failed")
        assert app.is_running
        assert any("access token was rejected" in n.message for n in app._notifications)
        assert app.data.snapshot.tickets.unsolved == unsolved  # last good data stays up
        await pilot.press("q")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["streams"]["tickets"]["rows"] == source.cache.frames.tickets.height


async def test_warm_start_shows_the_cached_snapshot_before_any_request(
    sim: Any, tmp_path: Path
) -> None:
    app, source = make(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: view(app) is not None and view(app).state == "● live")
        # the shown data is computed from everything in the cache (no computation pending)
        await wait_for(
            pilot,
            lambda: (
                app.data is not None
                and not app.data.stale
                and not app.data.partial
                and not any(s.state.running for s in app.poller._streams.values())
                and app.poller._computed_version == source.cache.version
            ),
        )
        first = app.data
        await pilot.press("q")
    assert first is not None
    sim.stop()  # nothing answers now: whatever shows comes from the state dir
    app, _ = make(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.data is not None, seconds=10)
        assert app.data.snapshot.tickets.status == first.snapshot.tickets.status
        assert app.is_running
