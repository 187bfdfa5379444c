"""Writing the cache to the state dir for the poller: coalesced, throttled, a last write.

At most one write runs and one more is queued: data that keeps changing is written at most
every :data:`~deskwatch.live.pollstate.PERSIST_GAP` seconds, never in a burst. A failed write
is one notice (the next change tries again); :meth:`Saver.final` writes once more on shutdown
when the cache changed since the last write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from deskwatch.live.pollstate import PERSIST_GAP, Source

Wait = Callable[[asyncio.Event, float | None], Awaitable[None]]


class Saver:
    def __init__(self, source: Source, on_notice: Callable[[str, str], object], wait: Wait):
        self.source = source
        self._on_notice = on_notice
        self._wait = wait
        self.task: asyncio.Task[None] | None = None
        self._again = False
        self._stopping = False
        #: the cache version last written (set to the warm start's when polling begins)
        self.version: int | None = None

    @property
    def behind(self) -> bool:
        """The cache changed since it was last written."""
        return self.source.version != self.version

    def schedule(self) -> None:
        if self.task is not None:
            self._again = True
            return
        self.task = asyncio.create_task(self._run(), name="persist")

    async def _run(self) -> None:
        try:
            while True:
                self._again = False
                await self.write()
                if not self._again or self._stopping:
                    break
                await self._wait(asyncio.Event(), PERSIST_GAP)  # throttle, then write again
        finally:
            self.task = None

    async def write(self) -> None:
        version = self.source.version
        try:
            await self.source.persist()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            line = " ".join(str(exc).split()) or type(exc).__name__
            self._on_notice("error", f"saving the cache failed: {line}")
        else:
            self.version = version

    def stop(self) -> None:
        """No more throttled rewrites (the shutdown cancels the running one)."""
        self._stopping = True

    async def final(self) -> None:
        """The last write on shutdown, if the cache changed (not cancelled by the shutdown)."""
        if self.behind:
            await asyncio.shield(self.write())
