"""The operations tiles show exactly what ``deskwatch export`` writes for the same snapshot.

A simulated account is generated in-process at a frozen instant (no HTTP: this test is about
the screen, the sync path has its own tests), its tickets go through the real store and KPI
code, the export's JSON renderer serialises the snapshot, and the screen is fed the same
snapshot; every tile must then read the export's number.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from deskwatch.commands.export import render
from deskwatch.config import build_config
from deskwatch.kpis import catalogue as k
from deskwatch.kpis import compute_snapshot
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.operations import tile_dom_id
from deskwatch.sim import records
from deskwatch.sim.account import generate_account
from deskwatch.store import Cache
from deskwatch.views.operations import TILES
from deskwatch.widgets.duration_panel import DurationPanel
from deskwatch.widgets.kpi_tile import KpiTile
from tests.functional.snapshot_apps.ops_app import OpsApp

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def real_data() -> tuple[DashboardData, dict[str, Any]]:
    account = generate_account(
        seed=11, now=NOW.timestamp(), history_days=35, tickets=4000, calls=0, agents=12
    )
    rows = [int(r) for r in account.latest[1:] if r >= 0]
    cache = Cache()
    cache.ingest("tickets", records.tickets(account, "http://sim.invalid", rows, metrics=True))
    cfg = build_config({"talk": {"enabled": False}}, env={}, require_account=False)
    snapshot = compute_snapshot(cache.frames, cfg, NOW)
    exported = json.loads(render(snapshot, "json"))
    data = DashboardData(cfg, NOW, snapshot)
    return data, exported


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


async def test_tiles_equal_the_exported_json(real_data: tuple[DashboardData, dict]) -> None:
    data, exported = real_data
    app = OpsApp(data)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = {
            kpi.id: int(
                app.screen.query_one(f"#{tile_dom_id(kpi.id)}", KpiTile).value_text.replace(",", "")
            )
            for kpi, _ in TILES
        }
        expected = {kpi.id: _dig(exported, tuple(kpi.id.split("."))) for kpi, _ in TILES}
        assert shown == expected
        assert sum(expected.values()) > 0  # a real, non-empty account
        # created and solved compare with the export's yesterday_same_time
        for kpi in (k.CREATED_TODAY, k.SOLVED_TODAY):
            before = exported["tickets"][kpi.id.split(".")[1]]["yesterday_same_time"]
            delta_text = app.screen.query_one(f"#{tile_dom_id(kpi.id)}", KpiTile).delta_text
            assert delta_text.endswith(f"vs {before:,}")


async def test_panel_counts_equal_the_exported_json(
    real_data: tuple[DashboardData, dict],
) -> None:
    data, exported = real_data
    app = OpsApp(data)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for panel_id, key in (
            ("panel-first-reply", "first_reply_minutes"),
            ("panel-resolution", "full_resolution_minutes"),
        ):
            lines = app.screen.query_one(f"#{panel_id}", DurationPanel).table_text.splitlines()
            for line, period in zip(
                lines[1:], ("today", "yesterday", "month_to_date"), strict=True
            ):
                count = exported["tickets"][key][period]["count"]
                assert line.split()[-1] == f"{count:,}", (panel_id, period)
