"""Today first, history behind: the first sync of an export splits into a live part and a backfill.

The live export (tickets, calls, legs) and the live ratings read start at today's local
midnight, so today's figures are complete after about a minute whatever the history's size.
The **backfill** then reads what came before, as ranges: yesterday first (for the "vs
yesterday" comparisons), then the rest of ``sync.history_days``. Each range of an export is read
by the stream's own pager from the range's start and ends once the export reaches the range's
end (everything that changed since is the live export's). Ratings have no export: a range is
read as ``start_time``/``end_time`` filtered listings ("chunks", newest first), each to
``has_more`` false (:func:`deskwatch.zendesk.ratings.ratings_range`); the range shrinks by the
chunk once it is read, so a restart re-reads at most one chunk. A chunk starts at a day and
doubles while it takes at most :data:`FEW_PAGES` pages, halves (down to an hour) when it took
more than :data:`MANY_PAGES`: few requests on a quiet account, a short re-read after a restart
on a busy one. A record that shows up
in both (it changed while the backfill ran) is upserted by id and version like any other, so
nothing is counted twice.

Backfill cursor (opaque JSON, persisted next to the live one)::

    {"origin": <today's midnight when the live export began>, "span": <seconds to cover>,
     "ranges": [[start, end], ...], "inner": <the pager's cursor inside ranges[0], or null>,
     "chunk": <ratings: seconds of the next filtered listing>}

An empty ``ranges`` list means the history is complete.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from deskwatch.zendesk import ratings as rating_pages
from deskwatch.zendesk.model import Batch, SyncProgress
from deskwatch.zendesk.paging import Context, decode, encode, int_or
from deskwatch.zendesk.streams import cursor_export, time_export

BACKFILLED = ("tickets", "calls", "legs", "ratings")  # first synced from today, history behind
DAY = 86400  # the first ratings chunk
HOUR = 3600  # the shortest ratings chunk
FEW_PAGES, MANY_PAGES = 2, 20  # ratings chunk pages: double at most FEW, halve above MANY


class HistoryContext(Context, Protocol):
    def timezone(self) -> ZoneInfo: ...


def day_start(at: float, tz: ZoneInfo) -> int:
    """Local midnight (in ``tz``) of the day holding epoch ``at``."""
    local = datetime.fromtimestamp(at, tz)
    midnight = datetime(local.year, local.month, local.day, tzinfo=tz)
    return int(midnight.timestamp())


def first_cursors(ctx: HistoryContext, stream: str) -> tuple[str, str]:
    """A never-synced stream's (live cursor, backfill cursor): live from today's midnight,
    backfill from ``sync.history_days`` ago up to it, yesterday first."""
    now = ctx.wall()
    history_start = int(now) - ctx.history_days * 86400
    origin = max(history_start, day_start(now, ctx.timezone()))
    yesterday = max(history_start, day_start(origin - 1, ctx.timezone()))
    ranges = [[a, b] for a, b in ((yesterday, origin), (history_start, yesterday)) if b > a]
    backfill = {"origin": origin, "span": origin - history_start, "ranges": ranges, "inner": None}
    return live_cursor(stream, origin, now), encode(backfill)


def origin_of(backfill_cursor: str | None) -> int | None:
    """Where the live export began, from a backfill cursor (None: no such cursor)."""
    origin = decode(backfill_cursor).get("origin")
    return origin if isinstance(origin, int) and not isinstance(origin, bool) else None


def live_cursor(stream: str, origin: int, now: float) -> str:
    """The live cursor of ``stream`` starting at ``origin`` (ratings: no look-back sweep until
    :data:`~deskwatch.zendesk.ratings.SWEEP_EVERY` after ``now``, so the first read is today's)."""
    if stream == "ratings":
        return rating_pages.live_cursor(origin, now)
    return encode({"start": origin})


def _ranges(state: dict[str, Any]) -> list[list[int]]:
    raw = state.get("ranges")
    if not isinstance(raw, list):
        return []
    good = [r for r in raw if isinstance(r, list) and len(r) == 2 and all(_int(v) for v in r)]
    return [[int(a), int(b)] for a, b in good if b > a]


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _position(stream: str, inner: str | None, start: int) -> int:
    state = decode(inner)
    return int_or(state.get("t" if stream == "tickets" else "start"), start)


def remaining(stream: str, cursor: str | None) -> tuple[int, int]:
    """(seconds of history still to read, seconds in all) of a backfill cursor."""
    state = decode(cursor)
    ranges = _ranges(state)
    span = int_or(state.get("span"), 0)
    if not ranges:
        return 0, span
    (a, b), rest = ranges[0], ranges[1:]
    pos = min(b, max(a, _position(stream, state.get("inner"), a)))
    left = (b - pos) + sum(y - x for x, y in rest)
    return left, max(span, left)


async def backfill(ctx: HistoryContext, stream: str, cursor: str | None) -> AsyncIterator[Batch]:
    """Read the history ranges of ``cursor`` in order; the last batch has ``done=True``."""
    state = decode(cursor)
    ranges = _ranges(state)
    span = int_or(state.get("span"), 0)
    origin = int_or(state.get("origin"), 0)
    inner = state.get("inner") if isinstance(state.get("inner"), str) else None
    chunk = max(HOUR, int_or(state.get("chunk"), DAY))
    started, left0 = ctx.clock(), remaining(stream, cursor)[0]
    records = pages = 0
    if not ranges:
        yield Batch(stream, [], cursor, True, SyncProgress(0, 0, 1.0, 0.0))
        return
    while ranges:
        a, b = ranges[0]
        rest: list[list[int]] = []
        if stream == "ratings":  # the newest chunk of the range, then the range without it
            low = max(a, b - chunk)
            source = rating_pages.ratings_range(ctx, low, b)
            rest = [[a, low]] if low > a else []
        else:
            pager = time_export if stream in ("calls", "legs") else cursor_export
            source = pager(ctx, stream, inner or encode({"start": a}), until=b)
        chunk_pages = 0
        async for batch in source:
            inner = batch.cursor
            chunk_pages += 1
            if batch.done:
                ranges, inner = rest + ranges[1:], None
                chunk = _next_chunk(chunk, chunk_pages)
            now_state = {"origin": origin, "span": span, "ranges": ranges, "inner": inner}
            if stream == "ratings":
                now_state["chunk"] = chunk
            encoded = encode(now_state)
            records += len(batch.records)
            pages += 1
            left, total = remaining(stream, encoded)
            fraction = 1.0 - left / total if total > 0 else 1.0
            covered = left0 - left
            elapsed = ctx.clock() - started
            eta = elapsed * left / covered if covered > 0 else None
            done = not ranges
            progress = SyncProgress(records, pages, fraction, 0.0 if done else eta)
            yield Batch(stream, batch.records, encoded, done, progress)
            if batch.done:
                break
        else:
            return  # the pager ended without a done batch: resume from the cursor next time


def _next_chunk(chunk: int, pages: int) -> int:
    """The next ratings chunk after one of ``chunk`` seconds took ``pages`` pages."""
    if pages <= FEW_PAGES:
        return min(chunk * 2, 366 * DAY)
    if pages > MANY_PAGES:
        return max(HOUR, chunk // 2)
    return chunk
