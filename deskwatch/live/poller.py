"""The poller: syncs every stream at its own cadence and hands fresh dashboard data to the UI.

Pure asyncio, no Textual: the app runs :meth:`Poller.run` in a worker and receives plain
callbacks. Each stream is rescheduled only after its previous poll finished, so polls of a
stream never overlap; a burst of finished polls leads to one KPI computation (run in a thread by
the source) and one ``on_data`` call. With nothing due, the poller sleeps until the next
deadline: no busy loop, no timer faster than the poll cadence.

Beside it: :mod:`deskwatch.live.freshness` (which streams are stale or refused: pure),
:mod:`deskwatch.live.saver` (writing the cache, coalesced and throttled) and
:mod:`deskwatch.live.pollstate` (the vocabulary and the status values).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from deskwatch.config import Config
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.freshness import next_stale, stale_streams, unavailable_streams
from deskwatch.live.pollstate import (
    INTERVAL_STEPS,
    RETRY_FIRST,
    PollStatus,
    Source,
    StreamState,
    base_cadence,
    is_history,
    step_interval,
)
from deskwatch.live.saver import Saver

__all__ = [
    "INTERVAL_STEPS",
    "PollStatus",
    "Poller",
    "Source",
    "StreamState",
    "base_cadence",
    "step_interval",
]


@dataclass
class _Stream:
    name: str
    base: float
    due: float = 0.0
    task: asyncio.Task[None] | None = None
    state: StreamState = field(default_factory=lambda: StreamState("", 0.0))


async def _wait(event: asyncio.Event, timeout: float | None) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)


class Poller:
    """Schedules ``source`` syncs and reports through three callbacks.

    ``on_data(DashboardData)`` after a recomputation, ``on_status(PollStatus)`` whenever what
    the status bar shows changes, ``on_notice(severity, line)`` for one-line notifications.
    ``monotonic``/``wait`` drive the scheduler (tests inject a fake clock), ``now`` gives the
    wall-clock time stamped on data (tests freeze it).
    """

    def __init__(
        self,
        cfg: Config,
        source: Source,
        *,
        on_data: Callable[[DashboardData], object],
        on_status: Callable[[PollStatus], object] = lambda s: None,
        on_notice: Callable[[str, str], object] = lambda sev, line: None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        wait: Callable[[asyncio.Event, float | None], Awaitable[None]] = _wait,
    ) -> None:
        self.cfg = cfg
        self.source = source
        self._on_data = on_data
        self._on_status = on_status
        self._on_notice = on_notice
        self._now = now
        self._monotonic = monotonic
        self._wait = wait
        self._wake = asyncio.Event()
        self._streams: dict[str, _Stream] = {}
        for name in source.streams():
            base = base_cadence(cfg, name)
            self._streams[name] = _Stream(name, base, state=StreamState(name, base))
        self.interval = float(cfg.poll.live)
        self.paused = False
        self.computations = 0
        self._computed_version: int | None = None
        self._compute_task: asyncio.Task[None] | None = None
        self._compute_again = False
        self._saver = Saver(source, on_notice, wait)
        self._data: DashboardData | None = None
        self._status = PollStatus(interval=self.interval)
        self._running = False

    # -- controls (called from the UI) -----------------------------------------------------
    @property
    def factor(self) -> float:
        return self.interval / float(self.cfg.poll.live)

    def cadence(self, stream: str) -> float:
        return self._streams[stream].base * self.factor

    def pause(self) -> None:
        """Stop polling: no new polls, and polls in flight are cancelled (each resumes from
        its cursor, which only moves after the data it covers is in the cache)."""
        self.paused = True
        now = self._monotonic()
        for s in self._streams.values():
            if s.task is not None:
                s.task.cancel()
                s.task = None
                s.due = now
                s.state = replace(s.state, running=False)
        self._publish_status()
        self._wake.set()

    def resume(self) -> None:
        self.paused = False
        self._publish_status()
        self._wake.set()

    def refresh_now(self) -> None:
        """Poll every idle stream at once (a running poll is not doubled: one waiting out a
        retry backoff retries now; a 429's Retry-After is still honoured)."""
        now = self._monotonic()
        for s in self._streams.values():
            s.due = now
        retry_now = getattr(self.source, "retry_now", None)
        if retry_now is not None:
            retry_now()
        self._wake.set()

    def refresh_status(self) -> None:
        """Publish the status again if the client's side changed while polls run (a poll
        retrying inside the client says so at once, not when it ends); the UI calls this on
        its clock tick."""
        if not self._running:  # not started, or stopped (e.g. the source failed to open)
            return
        client = self.source.status()
        old = self._status.client
        key = ("state", "retry_at", "errors", "last_error")
        if client is not None and any(
            getattr(client, k, None) != getattr(old, k, None) for k in key
        ):
            self._publish_status()

    def _cap_retries(self) -> None:
        """Retries inside one poll never wait longer than the poll interval: a fault that
        clears is seen within one interval."""
        cap = getattr(self.source, "cap_retry_backoff", None)
        if cap is not None:
            cap(self.interval)

    def set_interval(self, seconds: float) -> None:
        """Change the live poll interval; the other cadences scale with it."""
        old = self.factor
        self.interval = max(0.5, float(seconds))
        now = self._monotonic()
        for s in self._streams.values():
            if s.task is None:  # a waiting stream: rescale what is left of its wait
                left = max(0.0, s.due - now)
                s.due = now + left * self.factor / old
            s.state = replace(s.state, cadence=s.base * self.factor)
        self._cap_retries()
        self._publish_status()
        self._wake.set()

    def reconfigure(self, cfg: Config) -> None:
        """Take a changed config (e.g. the KPI window) and recompute with it."""
        self.cfg = cfg
        if hasattr(self.source, "cfg"):
            self.source.cfg = cfg
        self._computed_version = None
        self._schedule_compute()

    def step(self, direction: int) -> float:
        self.set_interval(step_interval(self.interval, direction))
        return self.interval

    @property
    def status(self) -> PollStatus:
        return self._status

    @property
    def data(self) -> DashboardData | None:
        return self._data

    # -- the loop ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Run until cancelled: warm-start data, then poll forever."""
        for s in self._streams.values():
            first = self.source.needs_first_sync(s.name)
            s.state = replace(s.state, first_sync=first)
        self._cap_retries()
        self._publish_status()
        self._saver.version = self.source.version
        if self.source.has_data():
            self._schedule_compute()
        self._running = True
        try:
            while True:
                self._check_stale()
                states = [s.state for s in self._streams.values()]
                timeout = _earliest(
                    self._start_due(), next_stale(states, self.cadence, self._now())
                )
                self._wake.clear()
                await self._wait(self._wake, timeout)
        finally:
            self._running = False
            await self._shutdown()

    def _start_due(self) -> float | None:
        """Start every due idle stream; return seconds until the next deadline (None: none)."""
        if self.paused:
            return None
        now = self._monotonic()
        nxt: float | None = None
        for s in self._streams.values():
            if s.task is not None:
                continue
            if s.due <= now:
                s.task = asyncio.create_task(self._poll(s), name=f"poll-{s.name}")
                continue
            nxt = s.due if nxt is None else min(nxt, s.due)
        return None if nxt is None else max(0.0, nxt - now)

    async def _poll(self, s: _Stream) -> None:
        s.state = replace(s.state, running=True)
        self._publish_status()

        def progress(p: Any) -> None:
            fraction = getattr(p, "fraction", None)
            if s.state.first_sync and not s.state.synced and s.state.fraction is not None:
                # a first sync's bar never goes back (a retry starts its own count afresh)
                fraction = max(fraction or 0.0, s.state.fraction)
            s.state = replace(
                s.state,
                fraction=fraction,
                eta_seconds=getattr(p, "eta_seconds", None),
                records=getattr(p, "records", s.state.records),
            )
            self._publish_status()

        cause = s.state.error_state if s.state.failures else None
        try:
            await self.source.sync(s.name, progress)
        except asyncio.CancelledError:
            raise  # paused or shutting down: the stream resumes from its cursor
        except Exception as exc:  # every failure becomes status + a notice, never a crash
            self._failed(s, exc)
        else:
            s.state = replace(
                s.state,
                running=False,
                synced=True,
                last_ok=self._now(),
                failures=0,
                fraction=1.0,
                eta_seconds=0.0,
                error=None,
                error_state=None,
            )
            s.due = self._monotonic() + self.cadence(s.name)
            if cause is not None:
                self._retry_failing_after(s, cause)
            self._after_sync()
        finally:
            if s.task is asyncio.current_task():  # pause() may have handed the slot on
                s.task = None
            self._publish_status()
            self._wake.set()

    def _retry_failing_after(self, ok: _Stream, cause: str) -> None:
        """``ok`` failed with ``cause`` (e.g. unreachable, auth_failed) and now succeeded: the
        fault has cleared, so the streams failing with the same cause retry now rather than
        at the end of their backoff. (A stream failing on its own, e.g. a refused cursor, keeps
        its backoff: other streams' successes say nothing about it.)"""
        if is_history(ok.name):  # a finished backfill succeeds without asking Zendesk
            return
        now = self._monotonic()
        for o in self._streams.values():
            if o is ok or o.task is not None or not o.state.failures:
                continue
            if o.state.error_state == cause:
                o.due = min(o.due, now)
        self._wake.set()

    def _failed(self, s: _Stream, exc: Exception) -> None:
        line = " ".join(str(exc).split()) or type(exc).__name__
        failures = s.state.failures + 1
        cadence = self.cadence(s.name)
        # never later than one cadence: a fault that clears is seen within one poll interval
        backoff = min(cadence, RETRY_FIRST * 2 ** (failures - 1))
        s.due = self._monotonic() + backoff
        s.state = replace(
            s.state,
            running=False,
            failures=failures,
            error=line,
            error_state=getattr(exc, "state", "error"),
        )
        self._status = replace(self._status, errors=self._status.errors + 1, last_error=line)
        # one notice per outage: not one per retry, nor one per stream hit by the same cause
        shared = any(
            o is not s and o.state.failures and o.state.error == line
            for o in self._streams.values()
        )
        if failures == 1 and not shared:
            self._on_notice("error", f"{s.name}: {line}")

    def _after_sync(self) -> None:
        if self.source.version != self._computed_version:
            self._schedule_compute()
        else:
            self._check_stale()
        if self._saver.behind:
            self._saver.schedule()

    def _check_stale(self) -> None:
        if self._data is not None and self._compute_task is None:
            stale, refused = self._stale(), self._unavailable()
            partial = self._status.backfill is not None
            now = (stale, refused, partial)
            if now != (self._data.stale, self._data.unavailable, self._data.partial):
                self._emit(replace(self._data, stale=stale, unavailable=refused, partial=partial))

    # -- computing (coalesced: at most one running, one queued) ------------------------------
    def _schedule_compute(self) -> None:
        if self._compute_task is not None:
            self._compute_again = True
            return
        self._compute_task = asyncio.create_task(self._compute(), name="compute")

    async def _compute(self) -> None:
        try:
            while True:
                self._compute_again = False
                version = self.source.version
                now = self._now()
                # as of the data computed, not of the moment it is ready: a backfill or first
                # sync finishing meanwhile brings records this snapshot does not hold yet (the
                # queued computation that follows says so)
                stale, partial = self._stale(), self._status.backfill is not None
                try:
                    snapshot = await self.source.compute(now)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    line = " ".join(str(exc).split()) or type(exc).__name__
                    self._on_notice("error", f"computing KPIs failed: {line}")
                else:
                    self._computed_version = version
                    self.computations += 1
                    self._status = replace(self._status, computed_at=now)
                    data = DashboardData(
                        self.cfg,
                        now,
                        snapshot,
                        stale,
                        partial=partial,
                        unavailable=self._unavailable(),
                    )
                    self._emit(data)
                if not self._compute_again:
                    break
        finally:
            self._compute_task = None

    def _emit(self, data: DashboardData) -> None:
        self._data = data
        self._on_data(data)

    def _stale(self) -> frozenset[str]:
        states = (s.state for s in self._streams.values())
        return stale_streams(states, self.cadence, self._now())

    def _unavailable(self) -> frozenset[str]:
        return unavailable_streams(s.state for s in self._streams.values())

    def _publish_status(self) -> None:
        states = tuple(s.state for s in self._streams.values())
        oks = [s.last_ok for s in states if s.last_ok is not None]
        failing = [s for s in self._streams.values() if s.state.failures and s.task is None]
        retry_at = None
        if failing:
            wait = max(0.0, min(s.due for s in failing) - self._monotonic())
            retry_at = self._now() + timedelta(seconds=wait)
        status = replace(
            self._status,
            paused=self.paused,
            interval=self.interval,
            streams=states,
            last_sync=max(oks) if oks else None,
            client=self.source.status(),
            retry_at=retry_at,
        )
        self._status = status
        self._on_status(status)

    async def _shutdown(self) -> None:
        """Stop polls and computations; write the cache one last time if it changed."""
        self._saver.stop()
        tasks = [s.task for s in self._streams.values() if s.task is not None]
        for extra in (self._compute_task, self._saver.task):
            if extra is not None:
                tasks.append(extra)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        await self._saver.final()


def _earliest(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
