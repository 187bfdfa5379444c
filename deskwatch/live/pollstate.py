"""The poller's vocabulary: cadences, the data-source protocol and the immutable status values.

No Textual here; the status bar renders :class:`PollStatus`, tests build and compare them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from deskwatch.config import Config
from deskwatch.kpis import KpiSnapshot
from deskwatch.stream_registry import BY_NAME

INTERVAL_STEPS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
RETRY_FIRST = 5.0  # a failed stream is retried after 5 s, 10 s, ... never later than its cadence
STALE_FACTOR = 3
PERSIST_GAP = 30.0  # seconds between cache writes while data keeps changing


class Source(Protocol):
    """What the poller needs from the data layer (the real one is ``deskwatch.live.source``)."""

    def streams(self) -> Sequence[str]: ...

    def needs_first_sync(self, stream: str) -> bool: ...

    def has_data(self) -> bool: ...

    @property
    def version(self) -> int: ...

    def status(self) -> Any: ...

    async def sync(self, stream: str, on_progress: Callable[[Any], None]) -> int: ...

    async def compute(self, now: datetime) -> KpiSnapshot: ...

    async def persist(self) -> None: ...


@dataclass(frozen=True)
class StreamState:
    """One stream as the status bar and tests see it."""

    name: str
    cadence: float
    running: bool = False
    synced: bool = False  # completed at least once this session
    first_sync: bool = False  # cold: no cursor when the session began
    last_ok: datetime | None = None
    failures: int = 0
    fraction: float | None = None
    eta_seconds: float | None = None
    records: int = 0
    error: str | None = None
    error_state: str | None = None


@dataclass(frozen=True)
class RoleInfo:
    """Which part this process plays for its account (see :mod:`deskwatch.live.roles`)."""

    role: str  # "collector" (polls and publishes) or "viewer" (shows what the collector published)
    collector: str | None = None  # who collects, e.g. "pid 4242 on wall-1"; None: nobody known
    via: str = "this host"  # where they meet: this host's state dir or the broker URL
    broker_down: bool = False  # the broker cannot be reached right now
    published_at: datetime | None = None  # viewer: when the data on screen was published
    silent: bool = False  # viewer: the collector has published nothing for several intervals


@dataclass(frozen=True)
class PollStatus:
    """Everything the status bar shows from the poller's side (immutable; replaced, not mutated)."""

    paused: bool = False
    interval: float = 10.0
    streams: tuple[StreamState, ...] = ()
    last_sync: datetime | None = None
    errors: int = 0
    last_error: str | None = None
    client: Any = None  # the source's status object (ZendeskClient.status), or None
    retry_at: datetime | None = None  # when the next retry of a failed stream starts
    computed_at: datetime | None = None
    role: RoleInfo | None = None  # None: a plain poller, no collector/viewer roles

    @property
    def first_sync(self) -> bool:
        """Some stream has not caught up with today yet (the history backfill aside)."""
        return any(s.first_sync and not s.synced and not is_history(s.name) for s in self.streams)

    @property
    def progress(self) -> tuple[float | None, float | None]:
        """(fraction 0..1, eta seconds) over the streams that began their first sync cold."""
        return _progress([s for s in self.streams if not is_history(s.name)])

    @property
    def backfill(self) -> tuple[float | None, float | None] | None:
        """(fraction 0..1, eta seconds) of the history backfill; None once it is complete.

        While it runs, figures over days it has not reached (the 30-day window, daily series)
        are partial."""
        jobs = [s for s in self.streams if is_history(s.name) and s.first_sync]
        return _progress(jobs) if any(not s.synced for s in jobs) else None

    @property
    def failing(self) -> tuple[StreamState, ...]:
        return tuple(s for s in self.streams if s.failures)


def is_history(name: str) -> bool:
    """Whether a poller job is a history backfill (``"tickets.history"``), not a stream."""
    return name.endswith(".history")


def _progress(streams: Sequence[StreamState]) -> tuple[float | None, float | None]:
    """Over every stream that began cold, a finished one counting as whole (so a stream
    finishing never pulls the bar back, as 58% -> 39% did)."""
    cold = [s for s in streams if s.first_sync]
    if all(s.synced for s in cold):
        return 1.0, 0.0
    fractions = [1.0 if s.synced else (s.fraction or 0.0) for s in cold]
    etas = [s.eta_seconds for s in cold if not s.synced and s.eta_seconds is not None]
    return sum(fractions) / len(fractions), (max(etas) if etas else None)


def base_cadence(cfg: Config, stream: str) -> float:
    cadence = BY_NAME[stream.removesuffix(".history")].cadence
    if cadence == "live":
        return float(cfg.poll.live)
    if cadence == "reference":
        return float(cfg.poll.reference)
    return float(cfg.poll.incremental)


def step_interval(current: float, direction: int) -> float:
    """The next poll interval up (+1) or down (-1) the ladder of :data:`INTERVAL_STEPS`."""
    if direction > 0:
        return next((s for s in INTERVAL_STEPS if s > current + 1e-9), INTERVAL_STEPS[-1])
    return next((s for s in reversed(INTERVAL_STEPS) if s < current - 1e-9), INTERVAL_STEPS[0])
