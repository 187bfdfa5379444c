"""Satisfaction ratings: cursor-paged by ``start_time``, with a periodic look-back sweep.

Zendesk does not say whether ``start_time`` filters ratings on ``created_at`` or ``updated_at``
(the simulator can do either). A rating is created as "offered" and changes to good/bad when
the customer answers, often days later; so:

- every poll reads from the newest ``updated_at`` seen minus :data:`OVERLAP` (one hour). When
  the server filters on ``updated_at`` this alone catches every new and changed rating.
- every :data:`SWEEP_EVERY` seconds (wall clock, used for scheduling only) one poll reads from
  :data:`LOOKBACK` (7 days) before that start instead, so answers to ratings offered up to a
  week earlier are caught even when the server filters on ``created_at``. The look-back start is
  derived from the data's own timestamps, never from the local clock.

Stop rule: ``meta.has_more`` false (documented cursor paging; no page size is assumed, the
``page[size]`` asked is only a request).

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
    params: dict[str, Any] = {"start_time": query_start, "page[size]": PAGE}
    newest: float | None = None
    progress = Progress(ctx, None)
    cursors: set[str] = set()
    while True:
        reply = await ctx.http.get(
            PATH, params, list_key="satisfaction_ratings", envelope=meta_envelope
        )
        assert reply is not None
        records = good_records(ctx, "ratings", reply.body["satisfaction_ratings"])
        page_newest = max((parse_timestamp(r["updated_at"]) for r in records), default=None)
        if page_newest is not None:
            newest = page_newest if newest is None else max(newest, page_newest)
        meta = reply.body.get("meta") or {}
        done = not meta.get("has_more")
        if done:
            next_start = start if newest is None else max(start, int(newest) - OVERLAP)
            next_state = {"start": next_start, "swept": swept}
        else:  # mid-poll: an interrupted poll starts over (and sweeps again if it was one)
            next_state = {"start": start, "swept": int_or(state.get("swept"), 0)}
        yield Batch("ratings", records, encode(next_state), done, progress.step(len(records), None))
        if done:
            return
        if meta["after_cursor"] in cursors:  # a loop: an error, never a silent cut
            raise UnavailableError(
                f"Zendesk's paging of {PATH} did not advance (after_cursor "
                f"{meta['after_cursor']!r} came back): deskwatch retries at the next poll"
            )
        cursors.add(meta["after_cursor"])
        params = {
            "start_time": query_start,
            "page[size]": PAGE,
            "page[after]": meta["after_cursor"],
        }
