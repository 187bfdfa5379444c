"""One small pager per kind of Zendesk listing. Each is an async generator of ``Batch``.

Cursors are compact JSON strings (opaque to callers):
- tickets, users: ``{"after": <after_cursor>, "start": <history start>, "t": <last record time>}``
- ratings: see :mod:`deskwatch.zendesk.ratings`
- calls, legs: ``{"start": <end_time of the last page>}``
- groups, queue, agents_activity: snapshots, cursor ``None``.
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

GROUPS_PAGE = 100
MAX_SNAPSHOT_PAGES = 1000
AGENT_ROLES = ("agent", "admin")


def _cursor_envelope(body: dict[str, Any]) -> bool:
    eos = body.get("end_of_stream")
    after = body.get("after_cursor")
    return isinstance(eos, bool) and (eos or (isinstance(after, str) and bool(after)))


async def cursor_export(ctx: Context, stream: str, cursor: str | None) -> AsyncIterator[Batch]:
    """tickets / users: incremental cursor export. First call start_time, then only cursor.

    users: only agents and admins are yielded (deskwatch needs their names and groups; end-users
    can be millions). The export still reads every user once, from start_time=0.
    """
    kind = "tickets" if stream == "tickets" else "users"
    path = f"/api/v2/incremental/{kind}/cursor.json"
    state = decode(cursor)
    # users: from the beginning (an agent's record may be years old; the names are needed);
    # tickets: sync.history_days back
    first = 0 if stream == "users" else int(ctx.wall()) - ctx.history_days * 86400
    start = int_or(state.get("start"), first)
    base: dict[str, Any] = {"per_page": ctx.page_size}
    if stream == "tickets":
        base["include"] = "metric_sets"
    after = state.get("after") if isinstance(state.get("after"), str) else None
    if after:
        params = {**base, "cursor": after}
    else:
        params = {**base, "start_time": int_or(state.get("since"), start)}
    position = int_or(state.get("t"), start)
    # an ETA from 1970 is meaningless: users get one only once resuming from a real time
    progress = Progress(ctx, float(position) if position > 0 else None)
    while True:
        reply = await ctx.http.get(
            path, params, list_key=kind, envelope=_cursor_envelope, incremental=True
        )
        assert reply is not None
        body = reply.body
        records = good_records(ctx, stream, body[kind])
        newest = newest_time(records)
        if newest is not None:
            position = max(position, int(newest))
        if stream == "users":
            records = [r for r in records if r.get("role") in AGENT_ROLES]
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

    start_time is inclusive and ``next_page`` is never null, so: stop when ``count <= 1`` or when
    ``end_time`` does not advance; de-duplicate by id keeping the newest ``updated_at``; the next
    start_time always comes from the response's ``end_time``, never from the local clock (except
    the very first one, ``sync.history_days`` ago). A 422 "Too recent start_time" means no new
    data: the fetch ends with ``done=True`` and the cursor unchanged.
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
        done = count <= 1 or not advanced
        start = max(start, int_or(end_time, start))
        # only records at or after the next (inclusive) start_time can come back: forget the rest
        seen = {k: v for k, v in seen.items() if v >= start}
        step = progress.final(len(fresh)) if done else progress.step(len(fresh), float(start))
        yield Batch(stream, list(fresh.values()), encode({"start": start}), done, step)
        if done:
            return


async def groups(ctx: Context) -> AsyncIterator[Batch]:
    """Groups: cursor pages of 100, looping on ``meta.has_more`` (not ``links.next``)."""
    params: dict[str, Any] = {"page[size]": GROUPS_PAGE}
    progress = Progress(ctx, None)
    for _ in range(MAX_SNAPSHOT_PAGES):
        reply = await ctx.http.get(
            "/api/v2/groups.json", params, list_key="groups", envelope=meta_envelope
        )
        assert reply is not None
        records = good_records(ctx, "groups", reply.body["groups"])
        meta = reply.body.get("meta") or {}
        done = not meta.get("has_more")
        yield Batch("groups", records, None, done, progress.step(len(records), None))
        if done:
            return
        params = {"page[size]": GROUPS_PAGE, "page[after]": meta["after_cursor"]}


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
    "users": lambda ctx, c: cursor_export(ctx, "users", c),
    "calls": lambda ctx, c: time_export(ctx, "calls", c),
    "legs": lambda ctx, c: time_export(ctx, "legs", c),
    "ratings": ratings,
    "groups": lambda ctx, c: groups(ctx),
    "queue": lambda ctx, c: queue(ctx),
    "agents_activity": lambda ctx, c: agents_activity(ctx),
}
