"""Snapshot tests of the KPI dashboard: fixed hand-written snapshot, frozen clock.

Regenerate (after LOOKING at the SVGs) with
``.venv/bin/pytest tests/functional/test_kpi_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

import pytest

from deskwatch.screens.kpi import KpiScreen
from tests.functional.snapshot_apps.dash_app import DashApp
from tests.functional.snapshot_apps.dash_fixture import make_data

SIZES = [(80, 24), (120, 40), (200, 60)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_kpi_screen(snap_compare: Any, size: tuple[int, int], theme: str) -> None:
    assert snap_compare(DashApp(KpiScreen, theme=theme), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_kpi_wall_mode(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(DashApp(KpiScreen, wall=True), terminal_size=size)


def test_kpi_no_cost_configured_shows_the_hint(snap_compare: Any) -> None:
    assert snap_compare(DashApp(KpiScreen, make_data(cost=False)), terminal_size=(120, 40))


def test_kpi_ansi_theme(snap_compare: Any) -> None:
    """Plots under an ansi theme use the colourless-chrome plot theme (no black axes)."""
    assert snap_compare(DashApp(KpiScreen, theme="ansi-dark"), terminal_size=(120, 40))


def test_kpi_no_color(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: monochrome plots, days marked + (on target) and x (off target)."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(DashApp(KpiScreen), terminal_size=(120, 40))


def test_kpi_stale_and_empty(snap_compare: Any) -> None:
    """No snapshot yet: dashes and "no data yet", no crash; a stale ratings stream badges CSAT."""
    data = make_data(empty=True, stale=frozenset({"ratings"}))
    assert snap_compare(DashApp(KpiScreen, data), terminal_size=(80, 24))
