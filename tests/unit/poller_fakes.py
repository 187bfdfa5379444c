"""Fakes for the poller tests: a manual clock and a scriptable data source."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from deskwatch.config import Config, build_config

START = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
ALL = (
    "users",
    "groups",
    "brands",
    "tickets",
    "ratings",
    "calls",
    "legs",
    "queue",
    "agents_activity",
)


def config(**poll: float) -> Config:
    values = {"live": 10, "incremental": 60, "reference": 900, **poll}
    return build_config({"poll": values}, env={}, require_account=False)


async def settle(rounds: int = 30) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


class FakeClock:
    """Monotonic seconds + wall time that move only when a test calls :meth:`advance`."""

    def __init__(self) -> None:
        self.t = 0.0
        self._waiters: list[tuple[float, asyncio.Future[None]]] = []

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return START + timedelta(seconds=self.t)

    async def wait(self, event: asyncio.Event, timeout: float | None) -> None:
        waiter = asyncio.ensure_future(event.wait())
        aws: set[asyncio.Future[Any]] = {waiter}
        timer: asyncio.Future[None] | None = None
        if timeout is not None:
            timer = asyncio.get_running_loop().create_future()
            self._waiters.append((self.t + timeout, timer))
            aws.add(timer)
        try:
            await asyncio.wait(aws, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            if timer is not None:
                self._waiters = [(d, f) for d, f in self._waiters if f is not timer]

    async def advance(self, seconds: float) -> None:
        """Move time forward in small steps, letting due work run at each step."""
        end = self.t + seconds
        while True:
            await settle()
            due = [d for d, f in self._waiters if not f.done() and d <= end]
            if not due:
                break
            self.t = max(self.t, min(due))
            for d, f in self._waiters:
                if d <= self.t and not f.done():
                    f.set_result(None)
        self.t = end
        await settle()


class FakeSource:
    """Records every call; ``gates[stream]`` holds a sync until the test sets it."""

    def __init__(self, streams: tuple[str, ...] = ALL, *, cold: bool = True, data: bool = False):
        self._streams = streams
        self.cold = cold
        self.data = data
        self.version = 1 if data else 0
        self.calls: list[str] = []
        self.running: dict[str, int] = dict.fromkeys(streams, 0)
        self.max_running: dict[str, int] = dict.fromkeys(streams, 0)
        self.gates: dict[str, asyncio.Event] = {}
        self.fail: dict[str, Exception] = {}
        self.changes = True  # each sync changes the data
        self.compute_gate: asyncio.Event | None = None
        self.computes = 0
        self.persists = 0
        self.progress: Callable[[Any], None] | None = None

    def streams(self) -> tuple[str, ...]:
        return self._streams

    def needs_first_sync(self, stream: str) -> bool:
        return self.cold

    def has_data(self) -> bool:
        return self.data

    def status(self) -> Any:
        return None

    def count(self, stream: str) -> int:
        return self.calls.count(stream)

    async def sync(self, stream: str, on_progress: Callable[[Any], None]) -> int:
        self.calls.append(stream)
        self.running[stream] += 1
        self.max_running[stream] = max(self.max_running[stream], self.running[stream])
        self.progress = on_progress
        try:
            gate = self.gates.get(stream)
            if gate is not None:
                await gate.wait()
            if stream in self.fail:
                raise self.fail[stream]
            if self.changes:
                self.version += 1
            return 1
        finally:
            self.running[stream] -= 1

    async def compute(self, now: datetime) -> Any:
        self.computes += 1
        version = self.version
        if self.compute_gate is not None:
            await self.compute_gate.wait()
        return {"version": version, "now": now}

    async def persist(self) -> None:
        self.persists += 1
