"""KpiSnapshot: contract keys, deep immutability, JSON round trip; flattening for CSV."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from deskwatch.kpis import KpiSnapshot, compute_snapshot
from deskwatch.kpis.flatten import daily_table, flatten
from deskwatch.store import Cache
from tests.unit.kpi_records import cfg

KEYS = [
    *("schema", "now", "timezone", "time_basis", "window"),
    *("tickets", "csat", "agents", "talk", "filters"),
    *("typical", "projection"),
]


def test_snapshot_is_deeply_immutable_and_serialises() -> None:
    snap = compute_snapshot(Cache().frames, cfg(), datetime(2026, 3, 1, 12, tzinfo=UTC))
    assert list(snap.to_dict()) == KEYS
    with pytest.raises(AttributeError):
        snap.schema = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        snap.tickets.status.open = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.tickets.by_channel["email"] = 5  # type: ignore[index]
    assert isinstance(snap.tickets.backlog_daily, tuple)
    data = snap.to_dict()
    data["tickets"]["status"]["open"] = 99  # a copy: the snapshot is unchanged
    assert snap.tickets.status.open == 0
    assert json.loads(snap.to_json()) == snap.to_dict()


def test_from_parts_checks_keys() -> None:
    snap = compute_snapshot(Cache().frames, cfg(), datetime(2026, 3, 1, 12, tzinfo=UTC))
    parts = snap.to_dict()
    assert KpiSnapshot.from_parts(ops=snap.ops, board=snap.board, **parts) == snap
    with pytest.raises(ValueError, match="missing"):
        KpiSnapshot.from_parts(ops=snap.ops, schema="x")
    del parts["tickets"]["one_touch"]
    parts["tickets"]["one_tuch"] = {}
    with pytest.raises(
        ValueError, match=r"snapshot\.tickets: missing \['one_touch'\], unexpected \['one_tuch'\]"
    ):
        KpiSnapshot.from_parts(ops=snap.ops, **parts)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_snapshot(Cache().frames, cfg(), datetime(2026, 3, 1))


def test_flatten_and_daily_table() -> None:
    rows = dict(flatten({"a": {"b": [{"c": 1}, {"c": None}]}, "t": None, "e": []}))
    assert rows == {"a.b[0].c": 1, "a.b[1].c": None, "t": None, "e": None}
    snap = compute_snapshot(
        Cache().frames, cfg(kpis={"window_days": 3}), datetime(2026, 3, 1, tzinfo=UTC)
    )
    table = daily_table(snap)
    series = set(table["series"].to_list())
    assert "tickets.backlog_daily" in series and "talk.quality_daily" in series
    assert table.filter(table["series"] == "csat.daily").height == 3 * 3  # good, bad, score


def test_plain_values_keep_their_numbers_and_drop_non_finite_ones() -> None:
    from deskwatch.kpis.plain import from_plain, to_plain
    from deskwatch.kpis.snapshot import Reopened, Stats

    stats = from_plain(Stats, {"count": 3, "mean": float("nan"), "median": 2, "p90": 2.5})
    assert stats == Stats(count=3, mean=None, median=2, p90=2.5)
    assert type(stats.median) is int  # never coerced: the export writes what was computed
    assert to_plain(stats) == {"count": 3, "mean": None, "median": 2, "p90": 2.5}
    with pytest.raises(ValueError, match=r"Reopened: expected an object, got list"):
        from_plain(Reopened, [1, 2, 3])
