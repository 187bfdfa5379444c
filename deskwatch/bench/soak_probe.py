"""What the soak measures: RSS and its slope, requests on the wire, polls through the source.

Used by :mod:`deskwatch.bench.soak_day`; no Textual, no simulator.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import httpx

from deskwatch.kpis import KpiSnapshot
from deskwatch.live.source import LiveSource
from deskwatch.zendesk.http import LIMITS


def rss_mb() -> float:
    """This process's resident set size in MB (VmRSS of /proc/self/status)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def slope_per_hour(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per hour (0 with < 2 distinct times)."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    sxx = sum((t - mx) ** 2 for t, _ in points)
    if sxx == 0:
        return 0.0
    sxy = sum((t - mx) * (v - my) for t, v in points)
    return sxy / sxx * 3600


def growth_mb_per_hour(samples: Sequence[dict[str, Any]]) -> float:
    """RSS slope over the second half of the samples."""
    half = samples[len(samples) // 2 :]
    return slope_per_hour([(s["t"], s["rss_mb"]) for s in half])


class RateWindow:
    """Requests in the last 60 s, the maximum ever seen, and the moments it beat the budget."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, window: float = 60.0):
        self._clock = clock
        self._window = window
        self._sent: deque[float] = deque()
        self.total = 0
        self.max = 0
        self.overshoots = 0
        self.worst_over: tuple[int, int] | None = None  # (requests in window, allowed)

    def record(self, allowed: int | None) -> None:
        now = self._clock()
        self._sent.append(now)
        while self._sent[0] <= now - self._window:
            self._sent.popleft()
        count = len(self._sent)
        self.total += 1
        self.max = max(self.max, count)
        if allowed is not None and count > allowed:
            self.overshoots += 1
            if self.worst_over is None or count - allowed > self.worst_over[0] - self.worst_over[1]:
                self.worst_over = (count, allowed)


class CountingTransport(httpx.AsyncBaseTransport):
    """The ordinary httpx transport, counting every request that leaves (retries included)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(limits=LIMITS)
        self.rate = RateWindow()
        self.allowed: Callable[[], int | None] = lambda: None
        self.statuses: Counter[str] = Counter()  # HTTP status, or the transport error's name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.rate.record(self.allowed())
        try:
            response = await self.inner.handle_async_request(request)
        except Exception as exc:
            self.statuses[type(exc).__name__] += 1
            raise
        self.statuses[str(response.status_code)] += 1
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class Probe:
    """The real LiveSource behind the poller's Source protocol, counting what passes through."""

    def __init__(self, source: LiveSource) -> None:
        self.source = source
        self.polls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.running: set[str] = set()
        self.overlaps = 0
        self.longest_poll: dict[str, float] = {}
        self.computations = 0
        self.computing = 0
        self.compute_overlaps = 0

    def streams(self) -> Sequence[str]:
        return self.source.streams()

    def needs_first_sync(self, stream: str) -> bool:
        return self.source.needs_first_sync(stream)

    def has_data(self) -> bool:
        return self.source.has_data()

    @property
    def version(self) -> int:
        return self.source.version

    def status(self) -> Any:
        return self.source.status()

    async def sync(self, stream: str, on_progress: Callable[[Any], None]) -> int:
        if stream in self.running:
            self.overlaps += 1
        self.running.add(stream)
        start = time.monotonic()
        try:
            result = await self.source.sync(stream, on_progress)
        except asyncio.CancelledError:
            raise  # paused or stopped: not a finished poll
        except Exception:
            self.failures[stream] += 1
            self.polls[stream] += 1
            raise
        else:
            self.polls[stream] += 1
            return result
        finally:
            self.running.discard(stream)
            took = time.monotonic() - start
            self.longest_poll[stream] = max(self.longest_poll.get(stream, 0.0), took)

    async def compute(self, now: datetime) -> KpiSnapshot:
        self.compute_overlaps += self.computing > 0
        self.computing += 1
        try:
            result = await self.source.compute(now)
        finally:
            self.computing -= 1
        self.computations += 1
        return result

    async def persist(self) -> None:
        await self.source.persist()
