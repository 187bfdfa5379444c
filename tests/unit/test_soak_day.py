"""The day soak's bookkeeping: quarters, growth, the rollover, the verdict, the start time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from deskwatch.bench.soak_day import (
    MAX_FD_GROWTH,
    default_start,
    growth,
    quarter,
    rollover,
    sim_clock,
    steady,
    verdict,
)


def samples(values: list[float], key: str = "fds") -> list[dict[str, Any]]:
    return [{key: v} for v in values]


def test_quarters_cover_the_samples_in_order() -> None:
    s = samples(list(range(8)))
    assert [[x["fds"] for x in quarter(s, q)] for q in range(4)] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    assert quarter(samples([5]), 3) == [{"fds": 5}]  # never empty


def test_growth_is_the_last_quarter_max_over_the_first_quarter_max() -> None:
    flat = samples([12, 14, 13, 12, 14, 13, 12, 13])  # noisy but flat
    assert growth(flat, "fds") <= 0
    leak = samples([12, 13, 14, 15, 16, 17, 18, 19])
    assert growth(leak, "fds") == 19 - 13
    assert growth([], "fds") == 0


def test_steady_starts_once_the_backfill_is_complete() -> None:
    s = [{"partial": None}, {"partial": True}, {"partial": False, "n": 1}, {"partial": False}]
    assert steady(s) == s[2:]
    assert steady(s[:2]) == []


def day(today: str, created: int, at: str = "x") -> dict[str, Any]:
    return {"today": today, "created_today": created, "sim_now": at}


def test_rollover_finds_the_date_change_and_created_today_around_it() -> None:
    s = [day("2026-12-06", 450), day("2026-12-06", 454, "a"), day("2026-12-07", 2, "b")]
    assert rollover(s) == {"dates": ["2026-12-06", "2026-12-07"], "changes": 1, "at_sim": "b",
                           "created_today_before": 454, "created_today_after": 2}  # fmt: skip
    assert rollover([day("2026-12-06", 1)])["changes"] == 0


def good_summary() -> dict[str, Any]:
    return {
        "end": {"crash": None, "worst_overshoot": None, "overlapping_polls": 0,
                "last_ok_poll_seconds_ago": {"tickets": 3.0}},
        "sim_died": False, "snapshots": 100, "snapshots_last_quarter": 20, "stuck_after": 120,
        "steady_samples": 30,
        "rollover": {"changes": 1, "created_today_before": 454, "created_today_after": 2},
        "growth": {"rss_mb": 5.0, "fds": 1, "threads": 0, "tasks": 2},
        "cpu_ms_per_refresh": {"steady_first_quarter": 150.0, "steady_last_quarter": 160.0},
        "warm_restart_ok": True,
        "vs_reference": {"tickets": {"reference": 10, "missing": 0, "extra": 0}},
    }  # fmt: skip


def test_verdict_passes_a_good_run_and_names_each_failure() -> None:
    assert verdict(good_summary()) is None
    cases: list[tuple[Any, str]] = [
        (lambda s: s["growth"].update(fds=MAX_FD_GROWTH + 1), "fds grew by"),
        (lambda s: s["rollover"].update(changes=0), "today changed 0 times"),
        (lambda s: s["rollover"].update(created_today_after=500), "did not start again"),
        (lambda s: s["end"]["last_ok_poll_seconds_ago"].update(tickets=500), "for tickets"),
        (lambda s: s["cpu_ms_per_refresh"].update(steady_last_quarter=400.0), "CPU per refresh"),
        (lambda s: s.update(steady_samples=3), "only 3 samples after the history backfill"),
        (lambda s: s["vs_reference"]["tickets"].update(missing=3), "differs from a fault-free"),
        (lambda s: s.update(warm_restart_ok=False), "warm restart"),
        (lambda s: s["end"].update(worst_overshoot=[60, 50]), "over the allowed 50/min"),
        (lambda s: s.update(snapshots_last_quarter=0), "stalled"),
    ]
    for change, expected in cases:
        summary = good_summary()
        change(summary)
        reason = verdict(summary)
        assert reason is not None and expected in reason, (expected, reason)


def test_the_default_start_is_the_latest_22_local_and_the_clock_runs_at_the_ratio() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    late = datetime(2026, 12, 6, 23, 30, tzinfo=berlin).timestamp()
    early = datetime(2026, 12, 6, 9, 0, tzinfo=berlin).timestamp()
    assert (
        default_start("Europe/Berlin", late) == datetime(2026, 12, 6, 22, tzinfo=berlin).timestamp()
    )
    assert (
        default_start("Europe/Berlin", early)
        == datetime(2026, 12, 5, 22, tzinfo=berlin).timestamp()
    )
    import time

    clock = sim_clock(1000.0, time.time() - 10.0, 144.0)
    assert 1000.0 + 10 * 144 <= clock() < 1000.0 + 12 * 144


def test_read_up_to_comes_from_the_live_cursors() -> None:
    from deskwatch.bench.soak_day import read_up_to

    cursors = {"tickets": '{"after": "x", "start": 5, "t": 1796676127}', "calls": '{"start": 9}'}
    assert read_up_to(cursors, "tickets") == 1796676127
    assert read_up_to(cursors, "calls") == 9
    assert read_up_to(cursors, "legs") is None
    assert read_up_to({"calls": "not json"}, "calls") is None
