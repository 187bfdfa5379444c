"""Typical day and projection (KPIS.md) on hand-built data; every number worked out by hand.

Account zone Europe/Berlin. Summer time starts on Sunday 2026-03-29 (02:00 CET -> 03:00
CEST), inside the four baseline weeks of Tuesday 2026-04-07: the baseline days are
03-31 (CEST), 03-24, 03-17 and 03-10 (CET). ``now`` = 2026-04-07 14:05 CEST = 12:05Z, so
"the same clock time" on 03-24 is 14:05 CET = 13:05Z, not now - 14 x 24 h = 12:05Z
(= 13:05 CET): a ticket created at 13:30 CET on 03-24 is before 14:05 local.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskwatch.config import Config
from deskwatch.kpis import compute_snapshot
from deskwatch.store import Cache
from tests.unit.kpi_records import call, cfg, ticket

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 4, 7, 14, 5, tzinfo=BERLIN)


def L(text: str) -> datetime:
    """A local Berlin time."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def config(history_days: int = 90, window_days: int = 7) -> Config:
    return cfg(
        account={"timezone": "Europe/Berlin"},
        kpis={"window_days": window_days},
        sync={"history_days": history_days},
    )


def records(extra: list[dict] | None = None) -> Cache:
    created = [
        # 03-31 (CEST): 2 before 14:05, one at 14:05 exactly (not before it), one later: full 4
        "2026-03-31T09:00",
        "2026-03-31T13:59",
        "2026-03-31T14:05",
        "2026-03-31T20:00",
        # 03-24 (CET): 2 before 14:05 local (13:30 is 12:30Z, after now - 14 days), full 3
        "2026-03-24T08:00",
        "2026-03-24T13:30",
        "2026-03-24T14:30",
        # 03-17: 1 before, full 2
        "2026-03-17T10:00",
        "2026-03-17T23:59",
        # 03-10: nothing. 03-03 is five weeks back; Monday 04-06 is not a Tuesday
        "2026-03-03T10:00",
        "2026-04-06T10:00",
        # today: 3 so far
        "2026-04-07T08:00",
        "2026-04-07T12:00",
        "2026-04-07T14:00",
    ]
    tickets = [ticket(i, L(t), status="open") for i, t in enumerate(created, start=1)]
    # solved: 03-24 at 13:30 CET (before 14:05), 03-31 at 15:00 (after); created on Mondays
    tickets += [
        ticket(
            100, L("2026-03-23T08:00"), status="solved", solved_at=L("2026-03-24T13:30"), full_res=1
        ),
        ticket(
            101, L("2026-03-30T09:00"), status="closed", solved_at=L("2026-03-31T15:00"), full_res=1
        ),
    ]
    c = Cache()
    c.ingest("tickets", tickets + (extra or []))
    c.ingest(
        "calls",
        [call(1, L("2026-03-24T13:30")), call(2, L("2026-03-24T13:40"), direction="outbound")],
    )
    return c


def test_typical_and_projection_across_a_dst_change() -> None:
    snap = compute_snapshot(records().frames, config(), NOW).to_dict()
    created, solved = snap["typical"]["created"], snap["typical"]["solved"]
    # so_far per baseline day [2, 2, 1, 0] -> sorted [0, 1, 2, 2]
    assert created["so_far"] == {"median": 1.5, "p25": 0.75, "p75": 2.0}
    # full [4, 3, 2, 0] -> sorted [0, 2, 3, 4]
    assert created["full_day"] == {"median": 2.5, "p25": 1.5, "p75": 3.25}
    assert created["n"] == 4
    # the rest of the day [2, 1, 1, 0] -> sorted [0, 1, 1, 2]: p25 .75, median 1, p75 1.25
    assert snap["tickets"]["created"]["today"] == 3
    assert snap["projection"]["created"] == {"low": 3.75, "expected": 4.0, "high": 4.25}
    # solved so far [0, 1, 0, 0], full [1, 1, 0, 0], rest [1, 0, 0, 0]
    assert solved["so_far"] == {"median": 0.0, "p25": 0.0, "p75": 0.25}
    assert solved["full_day"] == {"median": 0.5, "p25": 0.0, "p75": 1.0}
    assert snap["projection"]["solved"] == {"low": 0.0, "expected": 0.0, "high": 0.25}
    # inbound calls: the 13:30 CET inbound call on 03-24 (the outbound one is not inbound)
    calls = snap["typical"]["inbound_calls"]
    assert calls["so_far"] == {"median": 0.0, "p25": 0.0, "p75": 0.25} and calls["n"] == 4
    # the typical curve per clock hour (03-31, 03-24, 03-17, 03-10): hour 13 [1, 1, 0, 0]
    # -> 0.5, hour 14 [1, 1, 0, 0] -> 0.5, hour 8 [0, 1, 0, 0] -> 0.0
    snapshot = compute_snapshot(records().frames, config(), NOW)
    per_hour = snapshot.ops.typical_created_per_hour
    assert per_hour is not None and len(per_hour) == 24
    assert (per_hour[13], per_hour[14], per_hour[8], per_hour[23]) == (0.5, 0.5, 0.0, 0.0)
    solved_per_hour = snapshot.ops.typical_solved_per_hour
    assert solved_per_hour is not None and solved_per_hour[13] == 0.0


def test_talk_off_gives_no_inbound_typical() -> None:
    off = cfg(
        account={"timezone": "Europe/Berlin"}, kpis={"window_days": 7}, talk={"enabled": False}
    )
    snap = compute_snapshot(records().frames, off, NOW).to_dict()
    assert snap["typical"]["inbound_calls"] is None and snap["projection"]["inbound_calls"] is None
    assert snap["typical"]["created"]["n"] == 4


def test_days_before_the_synced_history_do_not_count() -> None:
    # history starts now - 10 days = 03-28 14:05: only 03-31 counts (n = 1, no projection)
    snap = compute_snapshot(records().frames, config(history_days=10), NOW).to_dict()
    created = snap["typical"]["created"]
    assert created["n"] == 1
    assert created["so_far"] == {"median": 2.0, "p25": 2.0, "p75": 2.0}
    assert created["full_day"] == {"median": 4.0, "p25": 4.0, "p75": 4.0}
    assert snap["projection"]["created"] is None
    # 03-31 00:00 is before now - 7 days (03-31 14:05): a weekday with no history at all
    snap = compute_snapshot(records().frames, config(history_days=7), NOW).to_dict()
    empty = {"median": None, "p25": None, "p75": None}
    assert snap["typical"]["created"] == {"so_far": empty, "full_day": empty, "n": 0}
    assert snap["projection"] == {"created": None, "solved": None, "inbound_calls": None}
    assert (
        compute_snapshot(records().frames, config(history_days=7), NOW).ops.typical_created_per_hour
        is None
    )


def test_no_records_at_all_counts_empty_days() -> None:
    snap = compute_snapshot(Cache().frames, config(), NOW).to_dict()
    zero = {"median": 0.0, "p25": 0.0, "p75": 0.0}
    assert snap["typical"]["created"] == {"so_far": zero, "full_day": zero, "n": 4}
    assert snap["projection"]["created"] == {"low": 0.0, "expected": 0.0, "high": 0.0}


def test_now_just_after_midnight() -> None:
    now = L("2026-04-07T00:00:30")
    extra = [
        ticket(200, L("2026-03-31T00:00:10"), status="open"),  # before 00:00:30 on 03-31
        ticket(201, L("2026-03-31T00:00:30"), status="open"),  # at 00:00:30: not before it
        ticket(202, L("2026-04-06T23:59:59"), status="open"),  # yesterday, not today
        ticket(203, L("2026-04-07T00:00:20"), status="open"),  # today so far: 1
    ]
    # drop today's later tickets: they are after now and count nowhere yet
    snap = compute_snapshot(records(extra).frames, config(), now).to_dict()
    assert snap["tickets"]["created"]["today"] == 1
    created = snap["typical"]["created"]
    # so_far [1, 0, 0, 0]; full [6, 3, 2, 0] (03-31 has 4 + 2 new)
    assert created["so_far"] == {"median": 0.0, "p25": 0.0, "p75": 0.25}
    assert created["full_day"] == {"median": 2.5, "p25": 1.5, "p75": 3.75}
    # rest [5, 3, 2, 0] -> sorted [0, 2, 3, 5]: p25 1.5, median 2.5, p75 3.5
    assert snap["projection"]["created"] == {"low": 2.5, "expected": 3.5, "high": 4.5}
