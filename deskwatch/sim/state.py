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
    fault_rng: random.Random = field(default_factory=lambda: random.Random(0))
    requests: int = 0

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults
        self.auth.revoke_at = faults.revoke_at


SIM_KEY: web.AppKey[SimState] = web.AppKey("sim", SimState)
