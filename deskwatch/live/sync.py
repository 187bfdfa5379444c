"""The sync loop between the Zendesk client and the cache (used by ``export`` and the poller).

``sync_stream`` fetches one stream from the cache's cursor until caught up, ingesting each batch
and only then moving the cursor, so a cursor never runs ahead of the data it covers. Snapshot
streams (users, groups, queue, agents_activity: no cursor) replace their frame once the whole
listing has arrived, so rows that vanished upstream (yesterday's agents, deleted groups, agents
demoted to end-user) vanish here too.

``sync_all`` syncs the streams concurrently: they draw on separate rate-limit buckets (Support
exports, Talk exports, the account budget), so a first sync takes as long as its slowest
bucket, not the sum of all streams.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, Protocol

from deskwatch.config import Config
from deskwatch.store import Cache
from deskwatch.stream_registry import SNAPSHOT_STREAMS, STREAMS, TALK_STREAMS


class BatchLike(Protocol):
    stream: str
    records: list[dict[str, Any]]
    cursor: str | None
    done: bool
    progress: Any


class ClientLike(Protocol):
    def fetch(self, stream: str, cursor: str | None = None) -> AsyncIterator[Any]: ...


ProgressCallback = Callable[[str, Any], None]


async def sync_stream(
    client: ClientLike,
    cache: Cache,
    stream: str,
    *,
    on_batch: ProgressCallback | None = None,
) -> int:
    """Fetch ``stream`` from the cache's cursor until caught up; return records ingested.

    ``on_batch(stream, batch)`` is called after each batch is ingested (for progress lines).
    Errors from the client propagate; whatever was ingested before them is kept, with the
    cursor of the last fully ingested batch.
    """
    total = 0
    take_rejects = getattr(client, "take_rejects", None)
    if stream in SNAPSHOT_STREAMS:
        pending: list[dict[str, Any]] = []
        async for batch in client.fetch(stream, None):
            pending.extend(batch.records)
            if on_batch is not None:
                on_batch(stream, batch)
            if batch.done:
                break
        else:
            return 0  # listing ended without a done batch: keep the previous snapshot
        cache.replace_records(stream, pending)
        if take_rejects is not None:
            cache.add_rejects(take_rejects(stream), listing=stream)
        if cache.cursor(stream) is not None:  # e.g. users, once an incremental export
            cache.set_cursor(stream, None)
        return len(pending)
    async for batch in client.fetch(stream, cache.cursor(stream)):
        total += cache.ingest(stream, batch.records)
        if take_rejects is not None:  # what the edge checks turned away, counted with the data
            cache.add_rejects(take_rejects(stream))
        if batch.cursor is not None:
            cache.set_cursor(stream, batch.cursor)
        if on_batch is not None:
            on_batch(stream, batch)
        if batch.done:
            break
    return total


def streams_for(cfg: Config) -> tuple[str, ...]:
    """Streams to sync under ``cfg``: Talk streams only when Talk is enabled."""
    return tuple(s for s in STREAMS if cfg.talk.enabled or s not in TALK_STREAMS)


async def sync_all(
    client: ClientLike,
    cache: Cache,
    cfg: Config,
    *,
    on_progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Sync every stream (Talk ones only when enabled) concurrently until caught up.

    Returns the records ingested per stream. Each stream keeps the cursor-after-ingest rule of
    :func:`sync_stream` on its own. When a stream fails, the streams still running are
    cancelled (what they ingested so far stays, with the cursor of their last ingested batch)
    and then the first failure is raised as it is (a typed one-line error from the client),
    not wrapped in an ``ExceptionGroup``.
    """
    streams = streams_for(cfg)
    tasks = {
        stream: asyncio.create_task(
            sync_stream(client, cache, stream, on_batch=on_progress), name=f"sync-{stream}"
        )
        for stream in streams
    }
    try:
        pending: set[asyncio.Task[int]] = set(tasks.values())
        while pending:
            finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            failed = [t for t in finished if not t.cancelled() and t.exception() is not None]
            if failed:
                # the earliest stream in registry order among those that failed together
                first = next(t for t in tasks.values() if t in failed)
                error = first.exception()
                assert error is not None
                raise error
    finally:
        await _cancel_all(tasks.values())
    return {stream: task.result() for stream, task in tasks.items()}


async def _cancel_all(tasks: Iterable[asyncio.Task[int]]) -> None:
    """Cancel the tasks still running and wait until they have stopped."""
    running = [t for t in tasks if not t.done()]
    for task in running:
        task.cancel()
    if running:
        await asyncio.gather(*running, return_exceptions=True)
