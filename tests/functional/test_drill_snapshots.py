"""Snapshots of the drill-down screens at three sizes: the calls behind a Talk figure, the
ratings behind CSAT, and the Enter picker of the KPI dashboard (every tile and bar with its
count; the figures that list nothing greyed out with the reason).

Regenerate (after LOOKING at the SVGs) with
``.venv/bin/pytest tests/functional/test_drill_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

import pytest

from deskwatch.screens.kpi import KpiScreen
from tests.functional.snapshot_apps.dash_app import DashApp
from tests.functional.snapshot_apps.drill_app import DrillApp

SIZES = [(80, 24), (120, 40), (200, 60)]
ids = lambda s: f"{s[0]}x{s[1]}"  # noqa: E731


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_calls_list(snap_compare: Any, size: tuple[int, int]) -> None:
    app = DrillApp(
        "talk.unsuccessful.window",
        "abandoned",
        "Unsuccessful · abandoned",
        note="account-wide: calls carry no group or brand",
    )
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_ratings_list(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(DrillApp("csat.bad"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_kpi_picker(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(DashApp(KpiScreen), terminal_size=size, press=["enter", "down"])
