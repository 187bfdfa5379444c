"""The first-sync progress bar never goes backwards (58% -> 39% -> 0% was seen): not when a
stream finishes, not when a failed stream is retried, not when a fetch resumes from a cursor."""

from __future__ import annotations

import asyncio
from typing import Any

from deskwatch.zendesk.errors import UnavailableError
from deskwatch.zendesk.model import SyncProgress
from deskwatch.zendesk.paging import Progress
from tests.unit.poller_fakes import FakeSource, settle
from tests.unit.test_poller_schedule import start


class Ctx:
    history_days = 10
    page_size = 1000
    http: Any = None

    def __init__(self) -> None:
        self.t = 1_000_000.0

    def wall(self) -> float:
        return self.t

    def clock(self) -> float:
        return self.t


def test_a_resumed_fetch_goes_on_from_where_the_history_got_to() -> None:
    ctx = Ctx()
    start = ctx.t - 10 * 86400
    first = Progress(ctx, start)
    assert first.step(100, start + 5 * 86400).fraction == 0.5
    resumed = Progress(ctx, start + 5 * 86400)  # after a restart: the cursor's position
    ctx.t += 10
    step = resumed.step(100, start + 6 * 86400)
    assert step.fraction is not None and 0.59 < step.fraction < 0.61  # not 0.2 of its own span
    assert step.eta_seconds is not None and 39 < step.eta_seconds < 41  # 4 days left at 1 day/10 s


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
