"""Poller data path: coalesced computation, warm start, failures, persistence, stale streams."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from deskwatch.zendesk.errors import AuthError, UnavailableError
from tests.unit.poller_fakes import FakeSource, config, settle
from tests.unit.test_poller_schedule import start


async def test_a_burst_of_finished_polls_leads_to_one_extra_computation() -> None:
    source = FakeSource()
    source.compute_gate = asyncio.Event()
    for name in source.streams():
        source.gates[name] = asyncio.Event()
    rig = await start(source)
    source.gates["users"].set()  # first completion starts a computation (held by the gate)
    await settle()
    assert source.computes == 1
    for name in source.streams():  # seven more completions while it runs
        source.gates[name].set()
    await settle()
    assert source.computes == 1
    source.compute_gate.set()
    await settle()
    assert source.computes == 2  # the seven collapsed into one rerun
    assert len(rig.data) == 2
    assert rig.data[-1].snapshot["version"] == source.version
    assert rig.poller.computations == 2
    await rig.stop()


async def test_unchanged_data_is_not_recomputed() -> None:
    source = FakeSource()
    rig = await start(source)
    computed = source.computes
    source.changes = False
    await rig.clock.advance(60)
    assert source.computes == computed
    await rig.stop()


async def test_warm_start_shows_the_cached_snapshot_before_any_poll_finishes() -> None:
    source = FakeSource(cold=False, data=True)
    for name in source.streams():
        source.gates[name] = asyncio.Event()
    rig = await start(source)
    assert len(rig.data) == 1
    assert rig.data[0].snapshot["version"] == 1
    assert rig.data[0].now == rig.clock.now()
    assert rig.statuses[-1].first_sync is False
    await rig.stop()


async def test_a_failing_stream_becomes_status_and_one_notice_and_polling_goes_on() -> None:
    source = FakeSource()
    source.fail["tickets"] = UnavailableError("Zendesk is unreachable (connection refused)")
    rig = await start(source)
    status = rig.statuses[-1]
    assert status.errors == 1
    assert status.last_error == "Zendesk is unreachable (connection refused)"
    assert [s.name for s in status.failing] == ["tickets"]
    assert status.failing[0].error_state == "unreachable"
    assert status.retry_at == rig.clock.now() + timedelta(seconds=5)
    assert rig.notices == [("error", "tickets: Zendesk is unreachable (connection refused)")]
    attempts = [0]
    for t in range(5, 200, 5):  # retried after 5, 10, 20, 40 s, then every cadence (60 s)
        await rig.clock.advance(5)
        if source.count("tickets") > len(attempts):
            attempts.append(t)
    assert attempts == [0, 5, 15, 35, 75, 135, 195]
    assert rig.statuses[-1].errors == 7
    assert len(rig.notices) == 1  # the same outage is not notified twice
    del source.fail["tickets"]  # the fault clears: seen within one poll interval
    await rig.clock.advance(60)
    assert source.count("tickets") == 8
    assert rig.statuses[-1].failing == ()
    assert source.count("queue") == 26  # live polling never stopped: t = 0, 10, ..., 250
    assert not rig.task.done()
    await rig.stop()


async def test_auth_failure_state_is_reported() -> None:
    source = FakeSource(("tickets",))
    source.fail["tickets"] = AuthError("Zendesk rejected the credentials (401)")
    rig = await start(source)
    assert rig.statuses[-1].failing[0].error_state == "auth_failed"
    await rig.stop()


async def test_the_cache_is_persisted_after_changes_and_on_shutdown() -> None:
    source = FakeSource(("queue",))
    rig = await start(source)
    assert source.persists == 1
    await rig.clock.advance(10)  # changed again: written after the throttle gap
    await rig.clock.advance(30)
    assert source.persists >= 2
    written = source.persists
    source.changes = False
    await rig.clock.advance(100)
    assert source.persists == written
    source.changes = True
    source.gates["queue"] = asyncio.Event()
    await rig.clock.advance(10)
    source.version += 1  # data ingested, the poll not finished when the app quits
    await rig.stop()
    assert source.persists == written + 1


async def test_a_stream_older_than_three_cadences_is_marked_stale() -> None:
    source = FakeSource(("queue", "tickets"))
    rig = await start(source)
    assert rig.data[-1].stale == frozenset()
    source.gates["queue"] = asyncio.Event()  # the next queue poll hangs
    await rig.clock.advance(40)  # last queue success at t=0, hung since t=10
    assert rig.data[-1].stale == frozenset({"queue"})
    source.gates["queue"].set()
    await settle()
    assert rig.data[-1].stale == frozenset()
    await rig.stop()


async def test_paused_data_turns_stale_without_any_poll() -> None:
    source = FakeSource(("queue",))
    rig = await start(source, config(live=5))
    rig.poller.pause()
    await rig.clock.advance(16)
    assert rig.data[-1].stale == frozenset({"queue"})
    await rig.stop()


async def test_a_stream_still_in_its_first_sync_is_stale_until_it_completes() -> None:
    source = FakeSource(("users", "tickets"))
    source.gates["tickets"] = asyncio.Event()
    rig = await start(source)
    assert rig.data[-1].stale == frozenset({"tickets"})  # users done, tickets partial
    source.gates["tickets"].set()
    await settle()
    assert rig.data[-1].stale == frozenset()
    await rig.stop()


async def test_pause_cancels_polls_in_flight_and_resume_restarts_them_once() -> None:
    source = FakeSource(("tickets", "queue"))
    source.gates["tickets"] = asyncio.Event()
    rig = await start(source)
    assert source.running["tickets"] == 1
    rig.poller.pause()
    await settle()
    assert source.running["tickets"] == 0  # cancelled: no request in flight while paused
    assert [s.running for s in rig.statuses[-1].streams] == [False, False]
    rig.poller.resume()
    await settle()
    assert source.count("tickets") == 2
    assert source.running["tickets"] == 1
    assert source.max_running["tickets"] == 1
    source.gates["tickets"].set()
    await settle()
    assert source.running["tickets"] == 0
    await rig.clock.advance(60)
    assert source.count("tickets") == 3
    await rig.stop()


async def test_one_cause_failing_every_stream_is_notified_once() -> None:
    source = FakeSource(("tickets", "queue", "users"))
    error = AuthError("the OAuth access token was rejected")
    source.fail = {"tickets": error, "queue": error, "users": error}
    rig = await start(source)
    assert len(rig.notices) == 1
    assert rig.statuses[-1].errors == 3
    await rig.stop()


async def test_talk_refused_by_the_account_is_marked_unavailable_not_an_error_screen() -> None:
    """A Talk stream answering 403/404 names itself in DashboardData.unavailable (the Talk
    screen then says Talk is off on the account); tickets go on as usual."""
    from deskwatch.zendesk.errors import TalkUnavailableError

    source = FakeSource(("tickets", "calls"), data=True)
    source.fail["calls"] = TalkUnavailableError("Talk is not available (403)")
    rig = await start(source)
    await rig.clock.advance(60)
    assert rig.data and rig.data[-1].unavailable == frozenset({"calls"})
    del source.fail["calls"]
    await rig.clock.advance(600)
    assert rig.data[-1].unavailable == frozenset()
    await rig.stop()


async def test_a_snapshot_computed_before_the_backfill_ended_is_still_partial() -> None:
    """The backfill finishes while a computation (of the data before its last records) runs:
    that snapshot is shown as partial, and the one computed after it as complete. (It said
    complete before: a test reading the figures then saw them change without a fault.)"""
    source = FakeSource(("tickets", "tickets.history"))
    source.compute_gate = asyncio.Event()
    source.gates["tickets.history"] = asyncio.Event()
    rig = await start(source)  # tickets synced: a computation starts, held by the gate
    assert source.computes == 1
    source.gates["tickets.history"].set()  # the backfill brings its last records, and ends
    await settle()
    assert rig.statuses[-1].backfill is None
    source.compute_gate.set()
    await settle()
    first, second = rig.data[-2], rig.data[-1]
    assert first.snapshot["version"] < source.version and first.partial
    assert second.snapshot["version"] == source.version and not second.partial
    await rig.stop()
