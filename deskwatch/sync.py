"""The sync loop between the Zendesk client and the cache (used by ``export`` and the poller).

``sync_stream`` fetches one stream from the cache's cursor until caught up, ingesting each batch
and only then moving the cursor, so a cursor never runs ahead of the data it covers. Snapshot
streams (groups, queue, agents_activity: no cursor) replace their frame once the whole listing
has arrived, so rows that vanished upstream (yesterday's agents, deleted groups) vanish here too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from deskwatch.config import Config
from deskwatch.store import STREAMS, TALK_STREAMS, Cache

SNAPSHOT_STREAMS = frozenset({"groups", "queue", "agents_activity"})
# Reference data first (agent names), then the big exports.
SYNC_ORDER: tuple[str, ...] = (
    "users",
    "groups",
    "tickets",
    "ratings",
    "calls",
    "legs",
    "queue",
    "agents_activity",
)
assert set(SYNC_ORDER) == set(STREAMS)


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
        return len(pending)
    async for batch in client.fetch(stream, cache.cursor(stream)):
        total += cache.ingest(stream, batch.records)
        if batch.cursor is not None:
            cache.set_cursor(stream, batch.cursor)
        if on_batch is not None:
            on_batch(stream, batch)
        if batch.done:
            break
    return total


def streams_for(cfg: Config) -> tuple[str, ...]:
    """Streams to sync under ``cfg``: Talk streams only when Talk is enabled."""
    return tuple(s for s in SYNC_ORDER if cfg.talk.enabled or s not in TALK_STREAMS)


async def sync_all(
    client: ClientLike,
    cache: Cache,
    cfg: Config,
    *,
    on_progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Sync every stream (Talk ones only when enabled) until caught up; records per stream."""
    counts: dict[str, int] = {}
    for stream in streams_for(cfg):
        counts[stream] = await sync_stream(client, cache, stream, on_batch=on_progress)
    return counts
