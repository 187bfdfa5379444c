"""The live account: a background task that keeps creating and moving tickets, calls, ratings."""

from __future__ import annotations

import asyncio

from deskwatch.sim.state import SimState


async def run_live(sim: SimState, tick: float = 0.25) -> None:
    while True:
        await asyncio.sleep(tick)
