"""The poller's real data source: the Zendesk client, the Polars cache and the KPI code.

No Textual here. ``LiveSource`` owns one ``ZendeskClient`` and one ``Cache`` (warm-started from
the state dir); CPU-heavy work (KPI computation, parquet writes) runs in a thread so the UI's
event loop stays responsive.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis import KpiEngine, KpiSnapshot
from deskwatch.kpis.catalogue import AGENT_CALLS_TODAY, AGENT_OPEN
from deskwatch.kpis.drill import Arg, Drill, listing
from deskwatch.kpis.filters import FilterChoices, TicketFilter, choices, resolve
from deskwatch.live.checkpoint import Checkpoints
from deskwatch.live.sync import HISTORY, histories_for, history_done, streams_for, sync_job
from deskwatch.store import Cache, Change, Frames
from deskwatch.store.persist import history_key
from deskwatch.store.schema import STREAMS
from deskwatch.stream_registry import SNAPSHOT_STREAMS
from deskwatch.zendesk import ZendeskClient


def drill_listing(
    cfg: Config,
    frames: Frames,
    drill: Drill,
    arg: Arg,
    now: datetime,
    subjects: Callable[[pl.Series], pl.DataFrame] | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """The records behind a figure, under the filter the figures use (``[filters]``);
    ``subjects`` reads the listed tickets' subjects (kept on disk only)."""
    f = cfg.filters
    flt = resolve(f.groups, f.brands, f.channels, frames, strict=False)
    return listing(frames, cfg, now, drill, arg, flt, subjects, limit)


def saved_listing(
    cfg: Config, drill: Drill, arg: Arg, now: datetime
) -> tuple[pl.DataFrame, datetime]:
    """:func:`drill_listing` over the cache the collector saved in ``cfg.state.dir`` (read-only,
    held only while listing), and when it was saved. OSError: no readable saved cache."""
    from deskwatch.store.persist import read_only, read_subjects
    from deskwatch.store.schema import empty_frame

    saved, saved_at, subject_files = read_only(Path(cfg.state.dir))
    frames = Frames(**{s: saved.get(s, empty_frame(s)) for s in STREAMS})
    del saved

    def subjects(ids: pl.Series) -> pl.DataFrame:
        """The newest saved subject of each of ``ids`` (only those rows are read)."""
        none = pl.DataFrame(schema={"id": pl.Int64, "subject": pl.String})
        return read_subjects(subject_files, ids, none)

    try:
        return drill_listing(cfg, frames, drill, arg, now, subjects), saved_at
    except FileNotFoundError as exc:  # a persist removed the file while we listed
        raise OSError(f"the saved cache changed while listing ({exc}); try again") from None


def saved_listing_ipc(cfg: Config, drill: Drill, arg: Arg, now: datetime) -> tuple[bytes, datetime]:
    """:func:`saved_listing` as Arrow IPC bytes, for a child process: reading a large saved
    cache takes hundreds of MB the allocator keeps, so a viewer lists in a child that exits."""
    from deskwatch.live.wire import rows_to_bytes

    rows, saved_at = saved_listing(cfg, drill, arg, now)
    return rows_to_bytes(rows), saved_at


class LiveSource:
    """Client + cache + KPI code behind the :class:`deskwatch.live.poller.Source` protocol."""

    def __init__(self, cfg: Config, state_dir: Path, *, client: ZendeskClient | None = None):
        self.cfg = cfg
        self.state_dir = Path(state_dir)
        self.cache = Cache()
        self._client = client
        #: follows the cache by deltas (a new engine when the config changes)
        self._engine = KpiEngine(cfg)
        self._seen: int | None = None  # the cache version the engine has seen
        self._engine_lock = threading.Lock()
        self.warnings: list[str] = []
        #: the cache version last written to the state dir (None: never)
        self.persisted_version: int | None = None
        #: progress written while a long sync runs (the poller writes after each sync)
        self.checkpoints: Checkpoints | None = None

    async def __aenter__(self) -> LiveSource:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def open(self) -> None:
        """Warm start: read the cache from the state dir, then open the client."""
        self.cache = await asyncio.to_thread(Cache.load, self.state_dir)
        self.checkpoints = Checkpoints(self.cache, self.state_dir)
        self.persisted_version = self.cache.version
        self.warnings.extend(self.cache.warnings)
        if self._client is None:
            self._client = ZendeskClient(self.cfg)
        self.warnings.extend(self._client.warnings)

    async def aclose(self) -> None:
        if self.checkpoints is not None:
            await self.checkpoints.close()
        if self._client is not None:
            await self._client.aclose()

    @property
    def client(self) -> ZendeskClient:
        if self._client is None:
            raise RuntimeError("LiveSource.open() was not awaited")
        return self._client

    # -- the Source protocol ---------------------------------------------------------------
    def streams(self) -> Sequence[str]:
        """The streams, then their history backfills (``"tickets.history"``, ...)."""
        return streams_for(self.cfg) + histories_for(self.cfg)

    def needs_first_sync(self, stream: str) -> bool:
        if stream.endswith(HISTORY):  # a backfill not complete, or one to come
            base = stream.removesuffix(HISTORY)
            backfill = self.cache.cursor(history_key(base))
            return self.cache.cursor(base) is None or not history_done(backfill)
        if stream in SNAPSHOT_STREAMS:
            return self.cache.frames.get(stream).height == 0
        return self.cache.cursor(stream) is None

    def cap_retry_backoff(self, seconds: float) -> None:
        """Retries inside one request wait at most ``seconds`` (the poll interval)."""
        self.client.http.backoff_cap = seconds

    def retry_now(self) -> None:
        """Requests waiting out a retry backoff retry now (``r``)."""
        self.client.http.retry_now()

    def has_data(self) -> bool:
        return self.cache.frames.tickets.height > 0

    @property
    def version(self) -> int:
        return self.cache.version

    def status(self) -> Any:
        return self._client.status if self._client is not None else None

    async def sync(self, stream: str, on_progress: Callable[[Any], None]) -> int:
        def on_batch(_stream: str, batch: Any) -> None:
            if batch.progress is not None:
                on_progress(batch.progress)
            if self.checkpoints is not None and not batch.done:  # a long (first) sync
                self.checkpoints()

        return await sync_job(self.client, self.cache, stream, on_batch=on_batch)

    def ticket_filter(self, frames: Frames) -> TicketFilter | None:
        """``[filters]`` resolved against the groups and brands listings (an unknown name
        matches nothing and reads "name?" in the status bar, never a silently wider view)."""
        f = self.cfg.filters
        return resolve(f.groups, f.brands, f.channels, frames, strict=False)

    def filter_choices(self) -> FilterChoices:
        """What the filter bar offers: every group, brand and channel the cache knows."""
        return choices(self.cache.frames)

    def drill(
        self, drill: Drill, arg: Arg, now: datetime, limit: int | None = None
    ) -> pl.DataFrame:
        """The records behind a figure, under the filter the figures use (subjects read from
        the persisted cache for the listed tickets only); ``limit``: the first rows by id."""
        frames, subjects = self.cache.frames, self.cache.subjects
        return drill_listing(self.cfg, frames, drill, arg, now, subjects, limit)

    def agent_records(self, agent_id: int, now: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
        """An agent's open tickets (under the filter) and calls today: catalogue drills."""
        return (
            self.drill(AGENT_OPEN, agent_id, now),
            self.drill(AGENT_CALLS_TODAY, agent_id, now),
        )

    async def compute(self, now: datetime) -> KpiSnapshot:
        # taken together on the loop (where ingest runs): an immutable bundle and the changes
        # that lead to it from what the engine saw last
        frames = self.cache.frames
        seen, changes = self.cache.changes_since(self._seen, forget=True)
        flt = self.ticket_filter(frames)
        if self._engine.cfg is not self.cfg or self._engine.filter != (
            flt if flt is not None and flt.active else None
        ):  # a filter is part of the engine's identity: a new one rebuilds
            self._engine, changes = KpiEngine(self.cfg, flt), None
        self._seen = seen
        return await asyncio.to_thread(self._compute, frames, changes, now)

    def _compute(self, frames: Frames, changes: list[Change] | None, now: datetime) -> KpiSnapshot:
        # one thread at a time: a cancelled await leaves its worker thread running
        with self._engine_lock:
            self._engine.update(frames, changes)
            return self._engine.compute(now)

    async def persist(self) -> None:
        version = self.cache.version
        await asyncio.to_thread(self.cache.persist, self.state_dir)
        self.persisted_version = version

    def persist_now(self) -> None:
        """Write the cache from the calling thread (after the event loop has stopped)."""
        version = self.cache.version
        self.cache.persist(self.state_dir)
        self.persisted_version = version
