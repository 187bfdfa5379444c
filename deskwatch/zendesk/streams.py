"""One small pager per kind of Zendesk listing. Each is an async generator of ``Batch``.

Cursors are compact JSON strings (opaque to callers):
- tickets: ``{"after": <after_cursor>, "start": <history start>, "t": <last record time>}``
- ratings: see :mod:`deskwatch.zendesk.ratings`
- calls, legs: ``{"start": <end_time of the last page>}``
- users, groups, queue, agents_activity: snapshots (re-read whole), cursor ``None``.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from typing import Any

from deskwatch.zendesk.model import Batch, SyncProgress
from deskwatch.zendesk.paging import (
    Context,
    Progress,
    decode,
    encode,
    good_records,
    int_or,
    meta_envelope,
    newest_time,
)
from deskwatch.zendesk.parse import is_int, parse_timestamp
from deskwatch.zendesk.ratings import ratings

LIST_PAGE = 100  # page[size] maximum of cursor-paginated lists
MAX_SNAPSHOT_PAGES = 1000
AGENT_ROLES = ("agent", "admin")


def _cursor_envelope(body: dict[str, Any]) -> bool:
    eos = body.get("end_of_stream")
    after = body.get("after_cursor")
    return isinstance(eos, bool) and (eos or (isinstance(after, str) and bool(after)))


async def cursor_export(ctx: Context, stream: str, cursor: str | None) -> AsyncIterator[Batch]:
    """tickets: incremental cursor export. First call start_time, then only cursor."""
    path = f"/api/v2/incremental/{stream}/cursor.json"
    state = decode(cursor)
    start = int_or(state.get("start"), int(ctx.wall()) - ctx.history_days * 86400)
    base: dict[str, Any] = {"per_page": ctx.page_size, "include": "metric_sets"}
    after = state.get("after") if isinstance(state.get("after"), str) else None
    if after:
        params = {**base, "cursor": after}
    else:
        params = {**base, "start_time": int_or(state.get("since"), start)}
    position = int_or(state.get("t"), start)
    progress = Progress(ctx, float(position))
    while True:
        reply = await ctx.http.get(
            path, params, list_key=stream, envelope=_cursor_envelope, incremental=True
        )
        assert reply is not None
        body = reply.body
        records = good_records(ctx, stream, body[stream])
        newest = newest_time(records)
        if newest is not None:
            position = max(position, int(newest))
        eos = body["end_of_stream"]
        new_after = body.get("after_cursor")
        if isinstance(new_after, str) and new_after:
            after = new_after
        state = {"start": start, "t": position}
        if after:
            state["after"] = after
        else:  # no cursor at all yet: fall back to a start_time just before the newest record
            state["since"] = max(start, position - 1)
        step = progress.final(len(records)) if eos else progress.step(len(records), position)
        yield Batch(stream, records, encode(state), bool(eos), step)
        if eos:
            return
        params = {**base, "cursor": after}


async def time_export(ctx: Context, stream: str, cursor: str | None) -> AsyncIterator[Batch]:
    """Talk calls / legs: time-based incremental export.

    ``next_page`` is never null. As Zendesk's Talk docs say, ``count`` tells whether more is
    available now: a page holding fewer records than a full page (``ctx.page_size``, 1000 by
    default: the Talk exports' page) means caught up, so the fetch ends there (``done=True``,
    cursor kept). On a live account new calls keep arriving, so waiting for ``count <= 1`` would
    chase the present one small page every 6 s. It also ends when ``end_time`` does not advance.
    start_time is inclusive: records are de-duplicated by id keeping the newest ``updated_at``;
    the next start_time always comes from the response's ``end_time``, never from the local
    clock (except the very first one, ``sync.history_days`` ago). A 422 "Too recent start_time"
    means no new data: the fetch ends with ``done=True`` and the cursor unchanged.
    """
    key = stream
    path = f"/api/v2/channels/voice/stats/incremental/{stream}.json"
    state = decode(cursor)
    start = int_or(state.get("start"), int(ctx.wall()) - ctx.history_days * 86400)
    progress = Progress(ctx, float(start))
    seen: dict[int, float] = {}
    while True:
        reply = await ctx.http.get(
            path,
            {"start_time": start},
            list_key=key,
            incremental=True,
            talk=True,
            too_recent_ok=True,
        )
        if reply is None:
            yield Batch(stream, [], encode({"start": start}), True, progress.final(0))
            return
        body = reply.body
        fresh: dict[int, dict[str, Any]] = {}
        for record in good_records(ctx, stream, body[key]):
            stamp = parse_timestamp(record["updated_at"])
            if seen.get(record["id"], -math.inf) >= stamp:
                continue  # the inclusive start_time handed back one we already have
            seen[record["id"]] = stamp
            fresh[record["id"]] = record
        count = body.get("count")
        count = count if is_int(count) else len(body[key])
        end_time = body.get("end_time")
        advanced = is_int(end_time) and end_time > start
        done = count < ctx.page_size or not advanced
        start = max(start, int_or(end_time, start))
        # only records at or after the next (inclusive) start_time can come back: forget the rest
        seen = {k: v for k, v in seen.items() if v >= start}
        step = progress.final(len(fresh)) if done else progress.step(len(fresh), float(start))
        yield Batch(stream, list(fresh.values()), encode({"start": start}), done, step)
        if done:
            return


async def cursor_list(
    ctx: Context, stream: str, path: str, key: str, params: dict[str, Any]
) -> AsyncIterator[Batch]:
    """A cursor-paginated list (pages of 100), looping on ``meta.has_more``, **not** on
    ``links.next`` (Zendesk sets ``links.next`` on the last page too)."""
    query: dict[str, Any] = {**params, "page[size]": LIST_PAGE}
    progress = Progress(ctx, None)
    for _ in range(MAX_SNAPSHOT_PAGES):
        reply = await ctx.http.get(path, query, list_key=key, envelope=meta_envelope)
        assert reply is not None
        records = good_records(ctx, stream, reply.body[key])
        if stream == "users":  # in case a server ignores the role filter: no end-users
            records = [r for r in records if r.get("role") in AGENT_ROLES]
        meta = reply.body.get("meta") or {}
        done = not meta.get("has_more")
        step = progress.final(len(records)) if done else progress.step(len(records), None)
        yield Batch(stream, records, None, done, step)
        if done:
            return
        query = {**params, "page[size]": LIST_PAGE, "page[after]": meta["after_cursor"]}


def groups(ctx: Context) -> AsyncIterator[Batch]:
    """Groups: the whole list, re-read at each poll."""
    return cursor_list(ctx, "groups", "/api/v2/groups.json", "groups", {})


def users(ctx: Context) -> AsyncIterator[Batch]:
    """Agents and admins (for names and groups) from the users list, re-read at each poll.

    The list counts against the account-wide budget, not the 10/min export limit, and never
    walks the (possibly millions of) end-users the incremental users export would.
    """
    return cursor_list(ctx, "users", "/api/v2/users.json", "users", {"role[]": list(AGENT_ROLES)})


async def queue(ctx: Context) -> AsyncIterator[Batch]:
    """current_queue_activity: one record."""
    reply = await ctx.http.get(
        "/api/v2/channels/voice/stats/current_queue_activity.json",
        envelope=_queue_envelope,
        talk=True,
    )
    assert reply is not None
    records = good_records(ctx, "queue", [reply.body["current_queue_activity"]])
    yield Batch("queue", records, None, True, SyncProgress(len(records), 1, 1.0, 0.0))


def _queue_envelope(body: dict[str, Any]) -> bool:
    return isinstance(body.get("current_queue_activity"), dict)


async def agents_activity(ctx: Context) -> AsyncIterator[Batch]:
    """agents_activity: today's per-agent Talk stats, following ``next_page``."""
    url = "/api/v2/channels/voice/stats/agents_activity.json"
    visited: set[str] = set()
    progress = Progress(ctx, None)
    for _ in range(MAX_SNAPSHOT_PAGES):
        visited.add(url)
        reply = await ctx.http.get(url, list_key="agents_activity", talk=True)
        assert reply is not None
        records = good_records(ctx, "agents_activity", reply.body["agents_activity"])
        nxt = reply.body.get("next_page")
        done = not (isinstance(nxt, str) and nxt and nxt not in visited and records)
        yield Batch("agents_activity", records, None, done, progress.step(len(records), None))
        if done:
            return
        url = nxt


PAGERS: dict[str, Callable[[Context, str | None], AsyncIterator[Batch]]] = {
    "tickets": lambda ctx, c: cursor_export(ctx, "tickets", c),
    "users": lambda ctx, c: users(ctx),
    "calls": lambda ctx, c: time_export(ctx, "calls", c),
    "legs": lambda ctx, c: time_export(ctx, "legs", c),
    "ratings": ratings,
    "groups": lambda ctx, c: groups(ctx),
    "queue": lambda ctx, c: queue(ctx),
    "agents_activity": lambda ctx, c: agents_activity(ctx),
}
