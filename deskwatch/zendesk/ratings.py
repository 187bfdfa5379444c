"""Satisfaction ratings: cursor-paged by ``start_time``/``end_time``, with a periodic look-back.

What Zendesk documents for ``GET /api/v2/satisfaction_ratings``: the filters ``start_time``
("time of the oldest satisfaction rating") and ``end_time`` ("time of the most recent"), as
Unix epoch seconds, and cursor pagination (``page[size]``, ``page[after]``, ``meta.has_more``).
It documents no sort order and does not say whether the times filter on ``created_at`` or
``updated_at`` (the simulator can do either). So deskwatch never infers anything from the
order of records, only reads a filtered range to its end (``has_more`` false), and:

- every poll reads from the newest ``updated_at`` seen minus :data:`OVERLAP` (one hour). When
  the server filters on ``updated_at`` this alone catches every new and changed rating.
- every :data:`SWEEP_EVERY` seconds (wall clock, used for scheduling only) one poll reads from
  :data:`LOOKBACK` (7 days) before that start instead, so answers to ratings offered up to a
  week earlier are caught even when the server filters on ``created_at``. The look-back start is
  derived from the data's own timestamps, never from the local clock.
- the first sync is today first (see :mod:`deskwatch.zendesk.history`): the live read starts at
  today's local midnight, the history behind it is read by :func:`ratings_range`, one filtered
  range (at most a day) at a time.

Stop rule: ``meta.has_more`` false (documented cursor paging; no page size is assumed, the
``page[size]`` asked is only a request). An ``after_cursor`` seen before is an error.

Cursor: ``{"start": <regular start_time>, "swept": <wall time of the last sweep>}``. While the
pages of one poll are read, the cursor keeps the poll's own start (a resumed poll re-reads).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from deskwatch.zendesk.errors import UnavailableError
from deskwatch.zendesk.model import Batch
from deskwatch.zendesk.paging import (
    Context,
    Progress,
    decode,
    encode,
    good_records,
    int_or,
    meta_envelope,
)
from deskwatch.zendesk.parse import parse_timestamp

OVERLAP = 3600
LOOKBACK = 7 * 86400
SWEEP_EVERY = 900
PAGE = 100
PATH = "/api/v2/satisfaction_ratings.json"


def live_cursor(start: int, swept: float) -> str:
    """A live cursor reading from ``start``, its last look-back sweep at wall time ``swept``."""
    return encode({"start": start, "swept": int(swept)})


async def _pages(
    ctx: Context, params: dict[str, Any]
) -> AsyncIterator[tuple[list[dict[str, Any]], bool]]:
    """(records, last) per page of the filtered listing ``params``, to ``has_more`` false."""
    query = {**params, "page[size]": PAGE}
    cursors: set[str] = set()
    while True:
        reply = await ctx.http.get(
            PATH, query, list_key="satisfaction_ratings", envelope=meta_envelope
        )
        assert reply is not None
        records = good_records(ctx, "ratings", reply.body["satisfaction_ratings"])
        meta = reply.body.get("meta") or {}
        last = not meta.get("has_more")
        yield records, last
        if last:
            return
        after = meta["after_cursor"]
        if after in cursors:  # a loop: an error, never a silent cut
            raise UnavailableError(
                f"Zendesk's paging of {PATH} did not advance (after_cursor {after!r} came "
                "back): stopped rather than lose or repeat ratings; report it if it persists"
            )
        cursors.add(after)
        query = {**params, "page[size]": PAGE, "page[after]": after}


async def ratings(ctx: Context, cursor: str | None) -> AsyncIterator[Batch]:
    state = decode(cursor)
    history_start = int(ctx.wall()) - ctx.history_days * 86400
    start = int_or(state.get("start"), history_start)
    swept = int_or(state.get("swept"), 0)
    first = "start" not in state
    sweep = not first and ctx.wall() - swept >= SWEEP_EVERY
    query_start = max(history_start, start - LOOKBACK) if sweep else start
    if first or sweep:
        swept = int(ctx.wall())
    newest: float | None = None
    progress = Progress(ctx, None)
    async for records, done in _pages(ctx, {"start_time": query_start}):
        page_newest = max((parse_timestamp(r["updated_at"]) for r in records), default=None)
        if page_newest is not None:
            newest = page_newest if newest is None else max(newest, page_newest)
        if done:
            next_start = start if newest is None else max(start, int(newest) - OVERLAP)
            next_state = {"start": next_start, "swept": swept}
        else:  # mid-poll: an interrupted poll starts over (and sweeps again if it was one)
            next_state = {"start": start, "swept": int_or(state.get("swept"), 0)}
        step = progress.final(len(records)) if done else progress.step(len(records), None)
        yield Batch("ratings", records, encode(next_state), done, step)


async def ratings_range(ctx: Context, start: int, end: int) -> AsyncIterator[Batch]:
    """Every rating the server files between ``start`` and ``end`` (both as the filters say,
    so neighbouring ranges share their edge second: read twice, stored once). The batches carry
    no cursor: a range cut short is read again from its start (stored once, by id)."""
    progress = Progress(ctx, None)
    async for records, done in _pages(ctx, {"start_time": start, "end_time": end}):
        step = progress.final(len(records)) if done else progress.step(len(records), None)
        yield Batch("ratings", records, None, done, step)
