"""Snapshot tests of the operations screen: fixed hand-written snapshot, frozen clock.

Regenerate (after LOOKING at the SVGs) with
``.venv/bin/pytest tests/functional/test_operations_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.functional.snapshot_apps.ops_app import OpsApp


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_operations_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(OpsApp(), terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_operations_wall_mode(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(OpsApp(wall=True), terminal_size=size)


def test_operations_ansi_dark_theme(snap_compare: Any) -> None:
    """Plots under an ansi theme use the colourless-chrome plot theme (no black axes)."""
    assert snap_compare(OpsApp(theme="ansi-dark"), terminal_size=(120, 40))


def test_operations_stale_and_empty(snap_compare: Any) -> None:
    """A stale tickets stream badges every tile; no snapshot yet means dashes, no crash."""
    from tests.functional.snapshot_apps.ops_fixture import make_data

    app = OpsApp(make_data(stale=frozenset({"tickets"}), empty=True))
    assert snap_compare(app, terminal_size=(120, 40))


def test_operations_no_color(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: monochrome plots whose series differ by marker (bars: solid vs shaded)."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(OpsApp(), terminal_size=(120, 40))


def test_operations_very_narrow(snap_compare: Any) -> None:
    """Below 70 columns the tiles go two by two and the time panels stack."""
    assert snap_compare(OpsApp(), terminal_size=(60, 30))


def firing_data() -> Any:
    """No history for this weekday yet, and a rule on Unassigned (9 > 5) firing."""
    from dataclasses import replace

    from deskwatch.config.rules import AlertRule
    from deskwatch.kpis.alerts import RuleState
    from tests.functional.snapshot_apps.ops_fixture import (
        NO_PROJECTION,
        NO_TYPICAL,
        make_data,
        make_snapshot,
    )

    rule = AlertRule(kpi="tickets.unassigned", above=5)
    state = RuleState(rule, firing=True, unknown=False, value=9.0)
    snap = make_snapshot(typical=NO_TYPICAL, projection=NO_PROJECTION)
    return replace(make_data(), snapshot=snap, alerts=(state,))


def test_operations_no_history_and_a_firing_alert(snap_compare: Any) -> None:
    """ "typ: no history" instead of a number; the firing tile: heavy red border, ⚑ in its
    title and ALERT under it; the status bar: ⚑ and the rule on red."""
    assert snap_compare(OpsApp(firing_data()), terminal_size=(80, 24))


def test_operations_wall_without_history(snap_compare: Any) -> None:
    """Wall mode: the projection tile says there is too little history."""
    assert snap_compare(OpsApp(firing_data(), wall=True), terminal_size=(80, 24))
