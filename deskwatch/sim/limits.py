"""Rate limits as Zendesk applies them: an account-wide budget per minute, and 10/min on
exports, counted separately for Support exports and Talk exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskwatch.sim.clock import SimClock

PLANS = {"team": 200, "growth": 400, "professional": 400, "enterprise": 700, "high_volume": 2500}
ACCOUNT_429 = {
    "error": "APIRateLimitExceeded",
    "description": "Number of allowed API requests per minute exceeded",
}
INCREMENTAL_429 = {
    "error": "APIRateLimitExceeded",
    "description": "Number of allowed incremental export API requests per minute exceeded",
}


@dataclass
class Verdict:
    allowed: bool
    headers: dict[str, str]
    body: dict[str, str] | None = None


@dataclass
class RateLimiter:
    """Fixed one-minute windows on the simulator clock (so tests can advance past them)."""

    clock: SimClock
    plan: str = "enterprise"
    incremental_limit: int = 10
    account_limit: int | None = None  # overrides the plan's budget
    _window: int = -1
    _used: int = 0
    _incremental_used: int = 0
    _talk_used: int = 0  # Talk incremental exports have their own 10/min
    counts: dict[str, int] = field(default_factory=lambda: {"allowed": 0, "limited": 0})

    def __post_init__(self) -> None:
        if self.plan not in PLANS:
            raise ValueError(f"unknown plan {self.plan!r}; choose one of {', '.join(PLANS)}")

    @property
    def limit(self) -> int:
        return self.account_limit if self.account_limit is not None else PLANS[self.plan]

    def check(self, incremental: bool, talk: bool = False) -> Verdict:
        now = self.clock.now()
        window = int(now // 60)
        if window != self._window:
            self._window, self._used, self._incremental_used, self._talk_used = window, 0, 0, 0
        exports = self._talk_used if talk else self._incremental_used
        reset = max(1, int(60 - now % 60))
        body: dict[str, str] | None = None
        if self._used >= self.limit:
            body = ACCOUNT_429
        elif incremental and exports >= self.incremental_limit:
            body = INCREMENTAL_429
        else:
            self._used += 1
            self._incremental_used += int(incremental and not talk)
            self._talk_used += int(incremental and talk)
        remaining = str(max(0, self.limit - self._used))
        headers = {
            "x-rate-limit": str(self.limit),
            "x-rate-limit-remaining": remaining,
            "ratelimit-limit": str(self.limit),
            "ratelimit-remaining": remaining,
            "ratelimit-reset": str(reset),
        }
        if body is not None:
            headers["Retry-After"] = str(reset)
            self.counts["limited"] += 1
            return Verdict(False, headers, body)
        self.counts["allowed"] += 1
        return Verdict(True, headers)
