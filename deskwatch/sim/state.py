"""Everything one running simulator holds, shared by the routes, the live task and the handle."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from aiohttp import web

from deskwatch.sim.account import Account
from deskwatch.sim.auth import AuthState
from deskwatch.sim.clock import SimClock
from deskwatch.sim.faults import Faults
from deskwatch.sim.limits import RateLimiter


@dataclass
class SimState:
    account: Account
    clock: SimClock
    auth: AuthState
    limiter: RateLimiter
    faults: Faults
    speed: float = 60.0
    export_lag: int = 0  # seconds of newest changes the exports leave out (Zendesk: ~60)
    # what start_time/end_time filter on ratings: "updated" (default) or "created"
    ratings_time_field: str = "updated"
    # the most records one page holds, per stream (see PAGED_STREAMS); absent: the endpoint's max
    page_sizes: dict[str, int] = field(default_factory=dict)
    fault_rng: random.Random = field(default_factory=lambda: random.Random(0))
    requests: int = 0
    burst_left: int = 0  # API requests the current burst still fails

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults
        self.auth.revoke_at = faults.revoke_at
        self.burst_left = max(0, faults.burst_count)

    def next_burst(self) -> str | None:
        """The burst's failure for this request (None: the burst is over)."""
        if self.burst_left <= 0:
            return None
        self.burst_left -= 1
        return self.faults.burst_kind


PAGED_STREAMS = (
    "tickets",
    "users",
    "groups",
    "brands",
    "ratings",
    "calls",
    "legs",
    "agents_activity",
)


def check_page_sizes(sizes: dict[str, int]) -> dict[str, int]:
    """``sizes`` validated (stream names from PAGED_STREAMS, whole numbers >= 1)."""
    for stream, size in sizes.items():
        if stream not in PAGED_STREAMS:
            raise ValueError(
                f"page size for unknown stream {stream!r}; choose from {', '.join(PAGED_STREAMS)}"
            )
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"page size of {stream} must be a whole number >= 1, got {size!r}")
    return dict(sizes)


SIM_KEY: web.AppKey[SimState] = web.AppKey("sim", SimState)
