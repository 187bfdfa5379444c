"""Rate governor: token buckets that keep deskwatch a polite guest on a shared account.

Three buckets: the account-wide budget (``budget.share`` of the plan limit, learned from the
``x-rate-limit`` / ``ratelimit-limit`` headers; 200/min assumed until the first response), which
every request takes from, and two incremental-export budgets of 10/min each, because Zendesk
limits the two export families separately: Support exports (the tickets cursor export) and Talk
exports (incremental calls and legs, which share one bucket). An export request takes a token
from the account bucket and from its family's bucket.

Each bucket's burst is sized so that *no* 60-second window can ever hold more requests than the
bucket allows on top of what a sliding-window limiter would accept: ``burst + rate <= limit``.
All waiting goes through the injected ``sleep`` so tests never wait for real.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Awaitable, Callable, Mapping

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_ACCOUNT_LIMIT = 200  # the smallest plan (Team); used until a response tells us more
INCREMENTAL_LIMIT = 10  # incremental export requests per minute
INCREMENTAL_MARGIN = 0.97  # stay a hair under 10/min so a sliding-window limiter never trips
LOW_REMAINING = 0.05  # pause when the account has less than 5% of its minute left
MAX_HEADER_COUNT = 1_000_000  # a rate-limit header above this is nonsense (plans: up to 2,500/min)
WINDOW_SECONDS = 60  # the rate limits' window: a reset is never further away


class Bucket:
    """A token bucket refilled continuously at ``per_minute`` tokens per minute."""

    def __init__(self, per_minute: float, capacity: float, clock: Clock) -> None:
        self._clock = clock
        self.per_minute = per_minute
        self.capacity = capacity
        self._tokens = capacity
        self._last = clock()
        self.blocked_until = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.per_minute / 60)
        self._last = now

    def set_rate(self, per_minute: float, capacity: float) -> None:
        self._refill()
        self.per_minute = per_minute
        self.capacity = capacity
        self._tokens = min(self._tokens, capacity)

    def delay(self) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self._refill()
        wait = max(0.0, self.blocked_until - self._clock())
        if self._tokens < 1:
            wait = max(wait, (1 - self._tokens) * 60 / self.per_minute)
        return wait

    def take(self) -> None:
        self._refill()
        self._tokens -= 1

    def block(self, seconds: float) -> None:
        """Hold the bucket for ``seconds`` (a 429's Retry-After); it restarts empty."""
        self._refill()
        self.blocked_until = max(self.blocked_until, self._clock() + seconds)
        self._tokens = min(self._tokens, 0.0)


def _burst(budget: float) -> float:
    """The account bucket's burst: at most 10 requests and 5% of the budget (at least 1)."""
    return max(1.0, min(10.0, math.floor(budget / 20)))


def _account_bucket_rate(budget: float) -> float:
    """Refill rate such that burst + one minute of refill never exceeds ``budget``."""
    return max(1.0, budget - _burst(budget))


class Governor:
    """Decides when the next request may leave. Safe for concurrent tasks on one event loop."""

    def __init__(
        self,
        share: float,
        *,
        clock: Clock,
        sleep: Sleep,
        incremental_per_minute: float = INCREMENTAL_LIMIT,
        initial_limit: int = DEFAULT_ACCOUNT_LIMIT,
    ) -> None:
        self.share = share
        self._clock = clock
        self._sleep = sleep
        self.plan_limit = initial_limit
        self.limit_learned = False
        self.remaining: int | None = None
        self.budget = self._account_rate(initial_limit)
        self.account = Bucket(_account_bucket_rate(self.budget), _burst(self.budget), clock)
        inc = incremental_per_minute * INCREMENTAL_MARGIN
        self.incremental = Bucket(inc, 1.0, clock)  # Support exports (tickets)
        self.talk_incremental = Bucket(inc, 1.0, clock)  # Talk exports (calls, legs)
        self._sent: deque[float] = deque()

    def _account_rate(self, limit: int) -> float:
        return max(1.0, limit * self.share)

    @property
    def allowed_per_minute(self) -> int:
        """The most requests any 60 s window can hold: the refill rate plus the burst."""
        return int(self.budget)

    def requests_last_minute(self) -> int:
        now = self._clock()
        while self._sent and self._sent[0] <= now - 60:
            self._sent.popleft()
        return len(self._sent)

    def export_bucket(self, *, incremental: bool, talk: bool = False) -> Bucket | None:
        """The export bucket a request also draws from: Talk or Support exports, or none."""
        if not incremental:
            return None
        return self.talk_incremental if talk else self.incremental

    async def acquire(self, *, incremental: bool, talk: bool = False) -> float:
        """Wait until a request may leave, take its tokens, return the seconds waited.

        ``incremental``: an export request; ``talk``: a Talk export (its own 10/min bucket).
        """
        export = self.export_bucket(incremental=incremental, talk=talk)
        waited = 0.0
        while True:
            delay = self.account.delay()
            if export is not None:
                delay = max(delay, export.delay())
            if delay <= 1e-6:  # float dust must not spin the loop on a big clock value
                break
            await self._sleep(delay)
            waited += delay
        self.account.take()
        if export is not None:
            export.take()
        self._sent.append(self._clock())
        return waited

    def observe(self, headers: Mapping[str, str], *, incremental: bool) -> None:
        """Learn the plan limit and back off when the shared minute is nearly used up."""
        limit = _int_header(headers, "x-rate-limit", "ratelimit-limit")
        usable = limit is not None and limit > 0 and (not incremental or limit >= 50)
        if usable and limit is not None and (limit != self.plan_limit or not self.limit_learned):
            self.plan_limit = limit
            self.limit_learned = True
            self.budget = self._account_rate(limit)
            self.account.set_rate(_account_bucket_rate(self.budget), _burst(self.budget))
        remaining = _int_header(headers, "x-rate-limit-remaining", "ratelimit-remaining")
        if remaining is not None and not incremental:
            self.remaining = remaining
            if remaining <= self.plan_limit * LOW_REMAINING:
                reset = _int_header(headers, "ratelimit-reset", high=WINDOW_SECONDS)
                self.account.block(float(reset if reset is not None else 10))

    def penalise(self, seconds: float, *, incremental: bool, talk: bool = False) -> None:
        """A 429 said wait ``seconds``: hold back every request of that kind that long
        (an export 429: that export family only; otherwise every request)."""
        export = self.export_bucket(incremental=incremental, talk=talk)
        (export if export is not None else self.account).block(seconds)


def _int_header(
    headers: Mapping[str, str], *names: str, high: float = MAX_HEADER_COUNT
) -> int | None:
    """The first of ``names`` holding a number from 0 to ``high``; None when none does (a
    server's nonsense, e.g. ``1e400`` or ``nan``, is ignored, never a crash or a wait for ever)."""
    for name in names:
        value = headers.get(name)
        if value is None:
            continue
        try:
            number = float(value.strip())
        except ValueError:
            continue
        if math.isfinite(number) and 0 <= number <= high:
            return int(number)
    return None
