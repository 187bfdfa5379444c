"""``ZendeskClient``: the only object in deskwatch that talks to Zendesk.

Create one per process (it owns the one ``httpx.AsyncClient``, its connection pool and the
rate governor that every stream shares) and use it as an async context manager::

    async with ZendeskClient(cfg) as client:
        async for batch in client.fetch("tickets", cursor):
            cache.ingest("tickets", batch.records)
            cache.set_cursor("tickets", batch.cursor)
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from types import TracebackType
from zoneinfo import ZoneInfo

import httpx

from deskwatch.config import Config, ConfigError, load_config
from deskwatch.rejects import Rejects
from deskwatch.stream_registry import STREAMS, TALK_STREAMS
from deskwatch.zendesk import history
from deskwatch.zendesk.auth import Auth
from deskwatch.zendesk.governor import Governor
from deskwatch.zendesk.history import BACKFILLED
from deskwatch.zendesk.http import MAX_ATTEMPTS, Http, Reply, make_http_client
from deskwatch.zendesk.model import Batch, ClientStatus
from deskwatch.zendesk.parse import Screened
from deskwatch.zendesk.streams import PAGERS

DEFAULT_PAGE_SIZE = 1000  # the incremental exports' maximum per_page


class ZendeskClient:
    def __init__(
        self,
        cfg: Config,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        incremental_per_minute: float | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_attempts: int = MAX_ATTEMPTS,
        read_timeout: float = 30.0,
    ) -> None:
        self.cfg = cfg
        self.history_days = cfg.sync.history_days
        self.page_size = page_size
        self._clock = clock
        self._wall = wall
        self._auth = Auth(cfg.zendesk.auth, clock)
        self.governor = Governor(
            cfg.budget.share,
            clock=clock,
            sleep=sleep,
            # budget.exports_per_minute unless the caller (a benchmark) says otherwise
            incremental_per_minute=(
                cfg.budget.exports_per_minute
                if incremental_per_minute is None
                else incremental_per_minute
            ),
        )
        self._client = make_http_client(
            cfg.zendesk.base_url,
            transport,
            timeout=httpx.Timeout(read_timeout, connect=min(10.0, read_timeout)),
        )
        self.rejects = Rejects()
        self._pending = Rejects()
        self.http = Http(
            self._client,
            self._auth,
            self.governor,
            sleep=sleep,
            wall=wall,
            rng=rng,
            max_attempts=max_attempts,
        )
        self._auth_cfg = cfg.zendesk.auth
        self._config_stamp = _stamp(cfg.source)
        self.http.reload_auth = self._fresh_auth

    def _fresh_auth(self) -> Auth | None:
        """The credentials of ``[zendesk.auth]`` when the config file has changed them since
        the last look (a revoked token replaced in the file works without a restart); None
        when the file is unchanged, unreadable or invalid (the credentials in use stay), or
        names another account (that takes a restart)."""
        path = self.cfg.source
        if path is None:
            return None
        stamp = _stamp(path)
        if stamp is None or stamp == self._config_stamp:
            return None
        self._config_stamp = stamp
        try:
            new = load_config(path, state_dir=self.cfg.state.dir).zendesk
        except ConfigError:  # e.g. half-written by an editor: look again when it changes
            return None
        if new.base_url != self.cfg.zendesk.base_url or new.auth == self._auth_cfg:
            return None
        self._auth_cfg = new.auth
        self._auth = Auth(new.auth, self._clock)
        return self._auth

    def __repr__(self) -> str:
        return f"ZendeskClient({self.cfg.zendesk.base_url!r}, auth={self._auth.method!r})"

    async def __aenter__(self) -> ZendeskClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- used by the pagers (streams.Context) -------------------------------------------

    def wall(self) -> float:
        return self._wall()

    def clock(self) -> float:
        return self._clock()

    def count_skipped(self, stream: str, screened: Screened) -> None:
        track = self.http.track
        n = screened.skipped.total()
        track.skipped += n
        track.skipped_by_stream[stream] = track.skipped_by_stream.get(stream, 0) + n
        page = Rejects(
            Counter({(stream, r): k for r, k in screened.skipped.items()}),
            Counter({(stream, r): k for r, k in screened.nulled.items()}),
        )
        self.rejects.add(page)  # this session's, for the status bar and export's summary
        self._pending.add(page)

    def take_rejects(self, stream: str) -> Rejects:
        """What the edge checks turned away in ``stream`` since the last call (for the cache's
        tally, kept across sessions)."""
        return self._pending.pop(stream)

    # --- public ---------------------------------------------------------------------------

    @property
    def warnings(self) -> list[str]:
        """Startup warnings for the CLI/app to show (e.g. API tokens retiring 2027-04-30)."""
        return list(self._auth.warnings)

    @property
    def status(self) -> ClientStatus:
        t = self.http.track
        retry_at = datetime.fromtimestamp(t.retry_at, UTC) if t.retry_at is not None else None
        return ClientStatus(
            state=t.state,
            retry_at=retry_at,
            requests_last_minute=self.governor.requests_last_minute(),
            allowed_per_minute=self.governor.allowed_per_minute,
            plan_limit=self.governor.plan_limit,
            errors=t.errors,
            last_error=t.last_error,
            skipped=t.skipped,
            nulled=self.rejects.nulled.total(),
            rejects=self.rejects.summary(),
            requests=t.requests,
            warnings=tuple(self._auth.warnings),
        )

    def fetch(self, stream: str, cursor: str | None = None) -> AsyncIterator[Batch]:
        """Yield batches of ``stream`` from ``cursor`` (None: first sync) until caught up.

        Persist ``batch.cursor`` after ingesting each batch; pass it back to resume. The last
        batch has ``done=True``. Talk streams with ``talk.enabled = false`` yield one empty
        done batch without any request.
        """
        if stream not in STREAMS:
            raise ValueError(f"unknown stream {stream!r}; expected one of {', '.join(STREAMS)}")
        if stream in TALK_STREAMS and not self.cfg.talk.enabled:
            return _talk_off(stream, cursor)
        return PAGERS[stream](self, cursor)

    def first_cursors(self, stream: str, backfill: str | None = None) -> tuple[str, str] | None:
        """For a never-synced export or ratings (BACKFILLED): (live cursor from today's local
        midnight, backfill cursor for the history before it); None for other streams. With
        ``backfill`` (a backfill already under way): the live cursor from where it began."""
        if stream not in BACKFILLED:
            return None
        origin = history.origin_of(backfill)
        if backfill is not None and origin is not None:
            return history.live_cursor(stream, origin, self.wall()), backfill
        return history.first_cursors(self, stream)

    def fetch_history(self, stream: str, cursor: str | None) -> AsyncIterator[Batch]:
        """Yield the backfill batches of ``stream`` from its backfill ``cursor`` (see
        :mod:`deskwatch.zendesk.history`) until the history is complete (``done=True``)."""
        if stream not in BACKFILLED:
            raise ValueError(f"{stream!r} has no backfill; only {', '.join(BACKFILLED)}")
        if stream in TALK_STREAMS and not self.cfg.talk.enabled:
            return _talk_off(stream, cursor)
        return history.backfill(self, stream, cursor)

    def timezone(self) -> ZoneInfo:
        return self.cfg.account.tz

    async def get_json(self, path: str, *, talk: bool = False) -> Reply:
        """One plain GET through the same auth, governor and retry policy (used by check)."""
        reply = await self.http.get(path, talk=talk)
        assert reply is not None
        return reply

    def server_date(self) -> str | None:
        """The ``Date`` header of the most recent response."""
        return self.http.last_date


def _stamp(path: os.PathLike[str] | None) -> tuple[int, int, int] | None:
    """What tells a changed file: modification time, size and inode (None: cannot stat)."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


async def _talk_off(stream: str, cursor: str | None) -> AsyncIterator[Batch]:
    yield Batch(stream, [], cursor, True, None)


__all__ = ["Batch", "ClientStatus", "ZendeskClient"]
