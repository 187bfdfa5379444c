"""Poller scheduling: cadence per stream, no overlap, pause/resume, refresh-now, interval."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from deskwatch.config import Config
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.poller import Poller, PollStatus, step_interval
from tests.unit.poller_fakes import FakeClock, FakeSource, config, settle


@dataclass
class Rig:
    clock: FakeClock
    source: FakeSource
    poller: Poller
    task: asyncio.Task[None]
    data: list[DashboardData] = field(default_factory=list)
    statuses: list[PollStatus] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def start(source: FakeSource | None = None, cfg: Config | None = None) -> Rig:
    clock = FakeClock()
    source = source or FakeSource()
    data: list[DashboardData] = []
    statuses: list[PollStatus] = []
    notices: list[tuple[str, str]] = []
    poller = Poller(
        cfg or config(),
        source,
        on_data=data.append,
        on_status=statuses.append,
        on_notice=lambda sev, line: notices.append((sev, line)),
        now=clock.now,
        monotonic=clock.monotonic,
        wait=clock.wait,
    )
    task = asyncio.create_task(poller.run())
    await settle()
    return Rig(clock, source, poller, task, data, statuses, notices)


async def test_every_stream_polls_once_at_start() -> None:
    rig = await start()
    assert sorted(rig.source.calls) == sorted(rig.source.streams())
    await rig.stop()


async def test_each_stream_runs_at_its_own_cadence() -> None:
    rig = await start()
    await rig.clock.advance(9)
    assert rig.source.count("queue") == 1
    await rig.clock.advance(1)  # t=10: live streams again, nothing else
    assert rig.source.count("queue") == 2
    assert rig.source.count("agents_activity") == 2
    assert rig.source.count("tickets") == 1
    await rig.clock.advance(50)  # t=60: 7 live polls so far, incremental twice
    assert rig.source.count("queue") == 7
    assert rig.source.count("tickets") == 2
    assert rig.source.count("legs") == 2
    assert rig.source.count("users") == 1
    await rig.clock.advance(840)  # t=900: reference streams again
    assert rig.source.count("users") == 2
    assert rig.source.count("groups") == 2
    assert rig.source.count("tickets") == 16
    await rig.stop()


async def test_a_slow_poll_is_never_overlapped_and_reschedules_after_completion() -> None:
    source = FakeSource()
    source.gates["queue"] = asyncio.Event()
    rig = await start(source)
    await rig.clock.advance(100)  # ten cadences pass while the first queue poll hangs
    assert source.count("queue") == 1
    assert source.max_running["queue"] == 1
    source.gates["queue"].set()  # completes at t=100
    await settle()
    assert source.count("queue") == 1
    await rig.clock.advance(9.5)
    assert source.count("queue") == 1
    await rig.clock.advance(0.5)  # t=110: one cadence after completion
    assert source.count("queue") == 2
    assert max(source.max_running.values()) == 1
    await rig.stop()


async def test_pause_stops_polling_and_resume_restarts_it() -> None:
    rig = await start()
    rig.poller.pause()
    await settle()
    assert rig.statuses[-1].paused is True
    before = len(rig.source.calls)
    await rig.clock.advance(1000)
    assert len(rig.source.calls) == before
    rig.poller.resume()
    await settle()
    assert rig.statuses[-1].paused is False
    # everything became due while paused: each stream polls once, not once per missed cadence
    assert sorted(rig.source.calls[before:]) == sorted(rig.source.streams())
    await rig.stop()


async def test_refresh_now_polls_every_idle_stream_without_doubling_a_running_one() -> None:
    source = FakeSource()
    source.gates["tickets"] = asyncio.Event()
    rig = await start(source)
    await rig.clock.advance(3)
    rig.poller.refresh_now()
    await settle()
    assert source.count("queue") == 2
    assert source.count("users") == 2
    assert source.count("tickets") == 1  # still running: not started twice
    assert source.max_running["tickets"] == 1
    await rig.stop()


async def test_interval_change_scales_every_cadence_at_run_time() -> None:
    rig = await start()
    rig.poller.set_interval(30)
    assert rig.poller.cadence("queue") == 30
    assert rig.poller.cadence("tickets") == 180
    assert rig.poller.cadence("users") == 2700
    await rig.clock.advance(29)
    assert rig.source.count("queue") == 1
    await rig.clock.advance(1)
    assert rig.source.count("queue") == 2
    assert rig.statuses[-1].interval == 30
    await rig.stop()


def test_interval_steps_up_and_down_a_ladder() -> None:
    assert step_interval(10, +1) == 15
    assert step_interval(10, -1) == 5
    assert step_interval(12, +1) == 15
    assert step_interval(12, -1) == 10
    assert step_interval(2, -1) == 2
    assert step_interval(600, +1) == 600


async def test_plus_minus_steps_change_the_interval() -> None:
    rig = await start()
    assert rig.poller.step(+1) == 15
    assert rig.poller.step(+1) == 30
    assert rig.poller.step(-1) == 15
    assert rig.poller.cadence("tickets") == 90
    await rig.stop()


async def test_progress_of_a_first_sync_reaches_the_status() -> None:
    @dataclass(frozen=True)
    class Progress:
        records: int
        pages: int
        fraction: Any
        eta_seconds: Any

    source = FakeSource(("tickets",))
    source.gates["tickets"] = asyncio.Event()
    rig = await start(source)
    assert rig.statuses[-1].first_sync is True
    assert source.progress is not None
    source.progress(Progress(5000, 5, 0.25, 90.0))
    assert rig.statuses[-1].progress == (0.25, 90.0)
    source.gates["tickets"].set()
    await settle()
    assert rig.statuses[-1].first_sync is False
    assert rig.statuses[-1].last_sync == rig.clock.now()
    await rig.stop()


async def test_a_poll_retrying_inside_the_client_shows_before_it_ends() -> None:
    """The client's state changes while one poll runs (retrying after a 5xx): the UI's tick
    republishes it, instead of "● live" until the poll gives up minutes later."""
    from types import SimpleNamespace

    source = FakeSource(("tickets",))
    client = SimpleNamespace(state="ok", retry_at=None, errors=0, last_error=None)
    source.status = lambda: client  # type: ignore[method-assign]
    source.gates["tickets"] = asyncio.Event()
    rig = await start(source)  # the poll is under way, held at the gate
    seen = len(rig.statuses)
    rig.poller.refresh_status()
    assert len(rig.statuses) == seen  # nothing changed: nothing published
    client = SimpleNamespace(
        state="retrying", retry_at=rig.clock.now(), errors=1, last_error="HTTP 503"
    )
    rig.poller.refresh_status()
    assert rig.statuses[-1].client.state == "retrying"
    source.gates["tickets"].set()
    await rig.stop()


async def test_a_recovered_stream_retries_the_others_failing_the_same_way_at_once() -> None:
    from deskwatch.zendesk.errors import BadRequestError, UnavailableError

    source = FakeSource(("queue", "tickets", "ratings"))
    down = UnavailableError("connection refused")
    source.fail.update(queue=down, tickets=down)
    source.fail["ratings"] = BadRequestError("a stale cursor")  # its own trouble
    rig = await start(source, config(live=10, incremental=60))
    await rig.clock.advance(36)  # queue retried at 5, 15, 25, 35 s; tickets at 5, 15, 35 s
    assert (source.count("queue"), source.count("tickets")) == (5, 4)
    source.fail.clear()  # the server is back; tickets' next retry would be at 75 s
    await rig.clock.advance(9)  # queue retries at 45 s and succeeds: tickets retries with it
    assert source.count("queue") == 6 and source.count("tickets") == 5
    assert source.count("ratings") == 4  # not woken: its failure was its own
    await rig.stop()
