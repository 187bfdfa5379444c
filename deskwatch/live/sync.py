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
import json
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, Protocol

from deskwatch.config import Config
from deskwatch.store import Cache
from deskwatch.store.persist import history_key
from deskwatch.stream_registry import SNAPSHOT_STREAMS, STREAMS, TALK_STREAMS

BACKFILLED = ("tickets", "calls", "legs", "ratings")  # first synced from today, history behind
HISTORY = ".history"


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
    seed(client, cache, stream)
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


def seed(client: ClientLike, cache: Cache, stream: str) -> None:
    """A never-synced export starts at today's midnight, its history goes to the backfill.

    Only for clients that split the first sync (``first_cursors``) and streams they split.
    The backfill cursor is set first: a cache persisted in between still knows where the live
    export must begin, and a live cursor without a backfill one (an older cache, synced
    whole) gets no backfill.
    """
    first = getattr(client, "first_cursors", None)
    if first is None or cache.cursor(stream) is not None:
        return
    pair = first(stream, cache.cursor(history_key(stream)))
    if pair is None:
        return
    live, backfill = pair
    cache.set_cursor(history_key(stream), backfill)
    cache.set_cursor(stream, live)


async def sync_history(
    client: ClientLike,
    cache: Cache,
    stream: str,
    *,
    on_batch: ProgressCallback | None = None,
) -> int:
    """Backfill ``stream``'s history (see :mod:`deskwatch.zendesk.history`) until complete,
    ingesting into ``stream`` and saving the backfill's own cursor after each batch."""
    seed(client, cache, stream)
    key = history_key(stream)
    fetch_history = getattr(client, "fetch_history", None)
    if fetch_history is None or cache.cursor(key) is None or history_done(cache.cursor(key)):
        return 0
    total = 0
    take_rejects = getattr(client, "take_rejects", None)
    async for batch in fetch_history(stream, cache.cursor(key)):
        total += cache.ingest(stream, batch.records)
        if take_rejects is not None:  # the backfill's bad records count in the tally too
            cache.add_rejects(take_rejects(stream))
        if batch.cursor is not None:
            cache.set_cursor(key, batch.cursor)
        if on_batch is not None:
            on_batch(key, batch)
        if batch.done:
            break
    return total


def history_done(cursor: str | None) -> bool:
    """Whether a backfill cursor has nothing left to read (None: there is no backfill)."""
    if cursor is None:
        return True
    try:
        state = json.loads(cursor)
    except ValueError:
        return False
    return isinstance(state, dict) and state.get("ranges") == []


def streams_for(cfg: Config) -> tuple[str, ...]:
    """Streams to sync under ``cfg``: Talk streams only when Talk is enabled."""
    return tuple(s for s in STREAMS if cfg.talk.enabled or s not in TALK_STREAMS)


def histories_for(cfg: Config) -> tuple[str, ...]:
    """The backfill jobs under ``cfg`` (``"tickets.history"``, ...), polled like streams."""
    return tuple(history_key(s) for s in streams_for(cfg) if s in BACKFILLED)


async def sync_job(
    client: ClientLike, cache: Cache, job: str, *, on_batch: ProgressCallback | None = None
) -> int:
    """Sync one stream, or one backfill job (``"<stream>.history"``)."""
    if job.endswith(HISTORY):
        return await sync_history(client, cache, job.removesuffix(HISTORY), on_batch=on_batch)
    return await sync_stream(client, cache, job, on_batch=on_batch)


async def sync_all(
    client: ClientLike,
    cache: Cache,
    cfg: Config,
    *,
    on_progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Sync every stream (Talk ones only when enabled) and every history backfill
    concurrently until caught up, then the live exports once more after a backfill (records
    updated meanwhile): on return everything in ``sync.history_days`` is here.

    Returns the records ingested per stream (with its backfill's). Each stream keeps the
    cursor-after-ingest rule of :func:`sync_stream` on its own. When a stream fails, the
    streams still running are cancelled (what they ingested so far stays, with the cursor of
    their last ingested batch) and then the first failure is raised as it is (a typed one-line
    error from the client), not wrapped in an ``ExceptionGroup``.
    """
    jobs = streams_for(cfg) + histories_for(cfg)
    for stream in streams_for(cfg):  # before any task starts: the backfills need their cursors
        seed(client, cache, stream)
    tasks = {
        job: asyncio.create_task(
            sync_job(client, cache, job, on_batch=on_progress), name=f"sync-{job}"
        )
        for job in jobs
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
    counts: dict[str, int] = {}
    for job, task in tasks.items():  # a backfill's records count for its stream
        stream = job.removesuffix(HISTORY)
        counts[stream] = counts.get(stream, 0) + task.result()
    # An export lists a record once, at its newest version: one updated while a backfill ran
    # left its old place before the backfill got there, and its new place came after the live
    # export had finished. One more live pass after a backfill that read anything finds it
    # (a warm sync, its backfill long complete, pays nothing).
    for job in histories_for(cfg):
        if tasks[job].result() > 0:
            stream = job.removesuffix(HISTORY)
            counts[stream] += await sync_stream(client, cache, stream, on_batch=on_progress)
    return counts


async def _cancel_all(tasks: Iterable[asyncio.Task[int]]) -> None:
    """Cancel the tasks still running and wait until they have stopped."""
    running = [t for t in tasks if not t.done()]
    for task in running:
        task.cancel()
    if running:
        await asyncio.gather(*running, return_exceptions=True)
