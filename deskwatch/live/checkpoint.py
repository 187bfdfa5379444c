"""Progress kept while a long sync runs: a first sync killed after minutes restarts from its last
checkpoint, not from nothing.

After each ingested batch, :class:`Checkpoints` writes the cache to the state dir in a worker
thread when the last write is at least ``max(MIN_GAP, last write's duration / SHARE)`` ago:
at most one write a second, and writing takes at most ~10% of the time (a 1M-ticket cache that
takes 1 s to write is written every 10 s). One write at a time; ingest goes on meanwhile. The
cache's own persist order (frames, then the manifest naming them and the cursors) keeps every
checkpoint consistent: a cursor never ahead of its data. A failed checkpoint is left for the
sync's final persist to report.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from deskwatch.store import Cache

MIN_GAP = 1.0  # seconds between checkpoints at least
SHARE = 0.1  # the most of the sync's time spent writing checkpoints


class Checkpoints:
    def __init__(
        self, cache: Cache, state_dir: Path, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.cache = cache
        self.state_dir = Path(state_dir)
        self._clock = clock
        self._last = clock()  # the end of the last write (or the start)
        self._took = 0.0
        self._task: asyncio.Task[None] | None = None
        self.written = 0
        self.failed: BaseException | None = None

    def __call__(self, *_: object) -> None:
        """After a batch was ingested (on the event loop): start a write when one is due."""
        if self._task is not None and not self._task.done():
            return
        if self._clock() - self._last < max(MIN_GAP, self._took / SHARE):
            return
        self._task = asyncio.get_running_loop().create_task(self._write(), name="checkpoint")

    async def _write(self) -> None:
        start = self._clock()
        try:
            await asyncio.to_thread(self.cache.persist, self.state_dir)
        except Exception as exc:  # e.g. disk full: the final persist says so, in one line
            self.failed = exc
        else:
            self.written += 1
        finally:
            self._last = self._clock()
            self._took = self._last - start

    async def close(self) -> None:
        """Wait for a write still under way (its worker thread cannot be stopped)."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)
