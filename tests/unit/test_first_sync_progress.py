"""The first-sync progress bar never goes backwards (58% -> 39% -> 0% was seen): not when a
stream finishes, not when a failed stream is retried (its fetch counts afresh from its cursor)."""

from __future__ import annotations

import asyncio

from deskwatch.zendesk.errors import UnavailableError
from deskwatch.zendesk.model import SyncProgress
from tests.unit.poller_fakes import FakeSource, settle
from tests.unit.test_poller_schedule import start


async def test_the_bar_never_goes_back_on_a_retry_or_a_stream_finishing() -> None:
    source = FakeSource(("tickets", "users"), cold=True)
    for name in ("tickets", "users"):
        source.gates[name] = asyncio.Event()
    rig = await start(source)
    seen: list[float] = []

    def bar() -> None:
        fraction = rig.statuses[-1].progress[0]
        assert fraction is not None
        seen.append(fraction)

    assert source.progress is not None
    source.progress(SyncProgress(10, 1, 0.6, 30.0))  # the last one to start: users
    bar()
    source.gates["users"].set()  # users finishes: counts as whole
    await settle()
    bar()
    source.fail["tickets"] = UnavailableError("down")
    source.gates["tickets"].set()
    await settle()
    bar()
    source.gates["tickets"] = asyncio.Event()
    await rig.clock.advance(5)  # the retry starts its own count at 0
    source.progress(SyncProgress(1, 1, 0.0, None))
    bar()
    assert seen == sorted(seen), seen
    await rig.stop()
