"""One small pager per kind of Zendesk listing. Each is an async generator of ``Batch``.

Cursors are compact JSON strings (opaque to callers):
- tickets: ``{"after": <after_cursor>, "start": <history start>, "t": <last record time>}``
- ratings: see :mod:`deskwatch.zendesk.ratings` (backfill: :mod:`deskwatch.zendesk.history`)
- calls, legs: ``{"start": <end_time of the last page>}``
- users, groups, brands, queue, agents_activity: snapshots (re-read whole), cursor ``None``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from email.utils import parsedate_to_datetime
from typing import Any

from deskwatch.zendesk.errors import UnavailableError
from deskwatch.zendesk.model import Batch, SyncProgress
from deskwatch.zendesk.paging import (
    Context,
    Progress,
    cursor_text,
    decode,
    encode,
    good_records,
    int_or,
    meta_envelope,
    newest_time,
)
from deskwatch.zendesk.parse import is_int, parse_timestamp
from deskwatch.zendesk.ratings import ratings

LIST_PAGE = 100  # page[size] asked of cursor-paginated lists (their documented maximum)
MAX_SNAPSHOT_PAGES = 10_000  # a listing longer than this is an error, never a silent cut
EXPORT_LAG = 60  # s: Zendesk's exports leave out the last minute before each request
AGENT_ROLES = ("agent", "admin")


def _cursor_envelope(body: dict[str, Any]) -> bool:
    eos = body.get("end_of_stream")
    after = body.get("after_cursor")
    return isinstance(eos, bool) and (eos or cursor_text(after) is not None)


async def cursor_export(
    ctx: Context, stream: str, cursor: str | None, *, until: int | None = None
) -> AsyncIterator[Batch]:
    """tickets: incremental cursor export. First call start_time, then only cursor.

    Stops at ``end_of_stream``, or (``until``: a history range's end) once a page's newest
    record reaches ``until``: what changed since is the live export's."""
    path = f"/api/v2/incremental/{stream}/cursor.json"
    state = decode(cursor)
    start = int_or(state.get("start"), int(ctx.wall()) - ctx.history_days * 86400)
    base: dict[str, Any] = {"per_page": ctx.page_size, "include": "metric_sets"}
    after = cursor_text(state.get("after"))
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
        eos = body["end_of_stream"] or (until is not None and position >= until)
        new_after = cursor_text(body.get("after_cursor"))
        if new_after:
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
        if not records and new_after == params.get("cursor"):
            raise _stuck(path, "the same after_cursor with no records and no end_of_stream")
        params = {**base, "cursor": after}


def _stuck(path: str, what: str) -> UnavailableError:
    return UnavailableError(
        f"Zendesk's paging of {path} did not advance ({what}): stopped rather than lose or "
        "repeat records; report it if it persists"
    )


def _time_envelope(key: str) -> Callable[[dict[str, Any]], bool]:
    def check(body: dict[str, Any]) -> bool:  # end_time may only be missing on an empty page
        return is_int(body.get("end_time")) or (body.get("end_time") is None and not body[key])

    return check


async def time_export(
    ctx: Context, stream: str, cursor: str | None, *, until: int | None = None
) -> AsyncIterator[Batch]:
    """Talk calls / legs: time-based incremental export. No page size is assumed.

    Zendesk documents: ``start_time`` is inclusive, ``next_page`` is never null, records
    sharing a timestamp are never split across pages (a page holds all of them, whatever
    ``per_page``), and the export leaves out the last minute before each request. So when a
    page ends at ``end_time``, every record stamped ``end_time`` is in it (and no record can
    still appear with that stamp: it is more than a minute old), and the next request starts
    at ``end_time + 1`` instead of handing the last page's end back again:

    - a page with records: continue from its ``end_time + 1``, unless ``end_time`` has reached
      the edge of what the export could show when this fetch began (the server's ``Date`` of
      its first answer, or the local clock without one, minus :data:`EXPORT_LAG`): then what
      existed then is here and newer records wait for the next poll (a poll on a busy account
      always ends). A short page proves nothing: the server's page size is not assumed.
    - an empty page, or "Too recent start_time": caught up.
    - a page whose ``end_time`` is before its ``start_time`` (a broken server): stop there,
      cursor unchanged.

    ``until`` (a history range's end) replaces the edge. One request per page plus the last,
    whatever the page size. The cursor only ever moves past records that were all handed out,
    so stopping never drops data. Records are de-duplicated by id keeping the newest
    ``updated_at`` (a page may hold a call twice).
    """
    key = stream
    path = f"/api/v2/channels/voice/stats/incremental/{stream}.json"
    state = decode(cursor)
    start = int_or(state.get("start"), int(ctx.wall()) - ctx.history_days * 86400)
    progress = Progress(ctx, float(start))
    edge: float | None = None
    while True:
        asked_at = ctx.wall()
        reply = await ctx.http.get(
            path,
            {"start_time": start},
            list_key=key,
            envelope=_time_envelope(key),
            incremental=True,
            talk=True,
            too_recent_ok=True,
        )
        if reply is None:  # "Too recent start_time": nothing newer can be asked for yet
            yield Batch(stream, [], encode({"start": start}), True, progress.final(0))
            return
        if edge is None:
            server_now = _server_time(reply.headers.get("date"), asked_at)
            edge = until if until is not None else server_now - EXPORT_LAG
        body = reply.body
        fresh: dict[int, dict[str, Any]] = {}
        for record in good_records(ctx, stream, body[key]):
            old = fresh.get(record["id"])
            if old is None or parse_timestamp(old["updated_at"]) <= parse_timestamp(
                record["updated_at"]
            ):
                fresh[record["id"]] = record
        end_time = body.get("end_time")
        if body[key] and is_int(end_time) and end_time >= start:
            start = end_time + 1  # every record stamped end_time is in this page
            done = end_time >= edge
        else:  # an empty page (caught up), or one that went backwards (stop, keep the cursor)
            done = True
        step = progress.final(len(fresh)) if done else progress.step(len(fresh), float(start))
        yield Batch(stream, list(fresh.values()), encode({"start": start}), done, step)
        if done:
            return


def _server_time(date: str | None, default: float) -> float:
    """The server's clock from an HTTP ``Date`` header (``default`` when absent or unreadable)."""
    if not date:
        return default
    try:
        return parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError, IndexError):
        return default


async def cursor_list(
    ctx: Context, stream: str, path: str, key: str, params: dict[str, Any]
) -> AsyncIterator[Batch]:
    """A cursor-paginated list (asks pages of 100, takes what comes), looping on
    ``meta.has_more``, **not** on ``links.next`` (Zendesk sets ``links.next`` on the last page
    too). An ``after_cursor`` seen before, or more than MAX_SNAPSHOT_PAGES pages, is an error:
    the stream's previous snapshot stays, never a silently cut list."""
    query: dict[str, Any] = {**params, "page[size]": LIST_PAGE}
    progress = Progress(ctx, None)
    cursors: set[str] = set()
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
        if meta["after_cursor"] in cursors:
            raise _stuck(path, f"after_cursor {meta['after_cursor']!r} came back")
        cursors.add(meta["after_cursor"])
        query = {**params, "page[size]": LIST_PAGE, "page[after]": meta["after_cursor"]}
    raise _too_long(path)


def _too_long(path: str) -> UnavailableError:
    return UnavailableError(
        f"{path} had more than {MAX_SNAPSHOT_PAGES} pages: stopped rather than show a cut "
        "list; report it"
    )


def groups(ctx: Context) -> AsyncIterator[Batch]:
    """Groups: the whole list, re-read at each poll."""
    return cursor_list(ctx, "groups", "/api/v2/groups.json", "groups", {})


def brands(ctx: Context) -> AsyncIterator[Batch]:
    """Brands (the brand filter's names): the whole list, re-read at each poll. Zendesk's List
    Brands takes cursor pagination (``page[size]`` up to 100, ``meta.has_more``); an agent
    without the assign-to-any-brand permission sees only their brands (ids still filter)."""
    return cursor_list(ctx, "brands", "/api/v2/brands.json", "brands", {})


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
    """agents_activity: today's per-agent Talk stats, following ``next_page`` until it is null
    or a page is empty (offset paging: nothing follows an empty page). A ``next_page`` seen
    before, or more than MAX_SNAPSHOT_PAGES pages, is an error (the previous snapshot stays)."""
    url = "/api/v2/channels/voice/stats/agents_activity.json"
    visited: set[str] = set()
    progress = Progress(ctx, None)
    for _ in range(MAX_SNAPSHOT_PAGES):
        visited.add(url)
        reply = await ctx.http.get(url, list_key="agents_activity", talk=True)
        assert reply is not None
        records = good_records(ctx, "agents_activity", reply.body["agents_activity"])
        nxt = cursor_text(reply.body.get("next_page"))
        done = not (nxt and reply.body["agents_activity"])
        yield Batch("agents_activity", records, None, done, progress.step(len(records), None))
        if done or nxt is None:
            return
        if nxt in visited:
            raise _stuck(url, f"next_page {nxt} came back")
        url = nxt
    raise _too_long(url)


PAGERS: dict[str, Callable[[Context, str | None], AsyncIterator[Batch]]] = {
    "tickets": lambda ctx, c: cursor_export(ctx, "tickets", c),
    "users": lambda ctx, c: users(ctx),
    "calls": lambda ctx, c: time_export(ctx, "calls", c),
    "legs": lambda ctx, c: time_export(ctx, "legs", c),
    "ratings": ratings,
    "groups": lambda ctx, c: groups(ctx),
    "brands": lambda ctx, c: brands(ctx),
    "queue": lambda ctx, c: queue(ctx),
    "agents_activity": lambda ctx, c: agents_activity(ctx),
}
