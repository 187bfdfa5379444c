"""Zendesk endpoints. Paths answer with and without the ``.json`` suffix."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import numpy as np
from aiohttp import web

from deskwatch.sim import records, talkstats
from deskwatch.sim.exports import (
    BadCursor,
    cursor_page,
    decode_after,
    encode_after,
    encode_cursor,
    resume_position,
    time_page,
)
from deskwatch.sim.people import AGENT_ID_BASE
from deskwatch.sim.respond import ApiError, int_param, invalid, json_response
from deskwatch.sim.state import SIM_KEY, SimState
from deskwatch.sim.vocab import DELETED, ROLES, SCORES

NOT_FOUND = {"error": "InvalidEndpoint", "description": "Not found"}
TOO_RECENT = {
    "error": "InvalidValue",
    "description": "Too recent start_time. Use a start_time older than 1 minute",
}
MAX_PER_PAGE = 1000
CACHED_COUNT = 100_000  # above this, Zendesk's counts are refreshed once a day
TIME_EXPORT_LAG = 60  # seconds: start_time must be older, newer records wait for later pages
Route = Callable[[web.Request, SimState], dict[str, Any]]


def _wrap(fn: Route) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        try:
            return json_response(fn(request, request.app[SIM_KEY]))
        except ApiError as exc:
            return json_response(exc.body, exc.status)

    return handler


def _base(request: web.Request) -> str:
    return str(request.url.origin())


def _now(sim: SimState) -> int:
    return int(sim.clock.now())


def _page_size(
    request: web.Request, stream: str, param: str = "per_page", most: int = MAX_PER_PAGE
) -> int:
    """The page size asked for (default and cap: ``most``), capped by the sim's own page size."""
    sim = request.app[SIM_KEY]
    asked = max(1, min(int_param(request.query, param, most), most))
    return min(asked, sim.page_sizes.get(stream, most))


def _cursor_export(
    request: web.Request, sim: SimState, *, key: str, ts_col: np.ndarray, valid: Any
) -> dict[str, Any]:
    q = request.query
    per_page = _page_size(request, key)
    n = len(ts_col)
    if sim.export_lag:
        n = int(np.searchsorted(ts_col, _now(sim) - sim.export_lag, side="right"))
    if "cursor" in q:
        try:
            start = resume_position(ts_col, q["cursor"])
        except BadCursor:
            raise invalid("cursor is not valid") from None
    elif "start_time" in q:
        start = int(np.searchsorted(ts_col[:n], int_param(q, "start_time"), side="left"))
    else:
        raise invalid("start_time or cursor is required")
    page = cursor_page(n, max(start, 0), per_page, valid)
    last = page.last_pos
    after = encode_cursor(int(ts_col[last]) if 0 <= last < len(ts_col) else 0, last)
    extra = "".join(f"&{k}={quote(q[k])}" for k in ("per_page", "include") if k in q)
    return {
        "rows": page.rows,
        "after_url": f"{_base(request)}/api/v2/incremental/{key}/cursor.json?cursor={quote(after)}"
        + extra,
        "before_url": None,
        "after_cursor": after,
        "before_cursor": None,
        "end_of_stream": page.end_of_stream,
    }


def tickets_export(request: web.Request, sim: SimState) -> dict[str, Any]:
    acc = sim.account
    tids, latest = acc.tickets["ticket_id"], acc.latest

    def valid(idx: np.ndarray) -> np.ndarray:
        return latest[tids[idx]] == idx

    body = _cursor_export(request, sim, key="tickets", ts_col=acc.tickets["gen_ts"], valid=valid)
    metrics = "metric_sets" in request.query.get("include", "").split(",")
    base = _base(request)
    rows = body.pop("rows")
    return {"tickets": records.tickets(acc, base, rows, metrics=metrics), **body}


def users_export(request: web.Request, sim: SimState) -> dict[str, Any]:
    acc = sim.account
    body = _cursor_export(request, sim, key="users", ts_col=acc.people.users["updated"], valid=None)
    base = _base(request)
    return {"users": [records.user(acc, base, r) for r in body.pop("rows")], **body}


def _cursor_list(
    request: web.Request,
    path: str,
    key: str,
    ids: np.ndarray,
    render: Callable[[int], Any],
    stream: str,
) -> dict[str, Any]:
    """``ids`` ascending; page[size] ≤ 100, page[after]; links.next is set even on the last page."""
    q = request.query
    size = _page_size(request, stream, "page[size]", 100)
    start = 0
    if "page[after]" in q:
        try:
            start = int(np.searchsorted(ids, decode_after(q["page[after]"]), side="right"))
        except BadCursor:
            raise invalid("page[after] is not valid") from None
    chosen = ids[start : start + size + 1]
    has_more = len(chosen) > size
    chosen = chosen[:size]
    after = encode_after(int(chosen[-1])) if len(chosen) else None
    before = encode_after(int(chosen[0]) - 1) if len(chosen) else None
    base = f"{_base(request)}/api/v2/{path}.json?"
    keep = "".join(f"&{k}={quote(v)}" for k, v in q.items() if not k.startswith("page["))

    def link(which: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return f"{base}page%5B{which}%5D={quote(cursor)}&page%5Bsize%5D={size}{keep}"

    return {
        key: [render(int(i)) for i in chosen],
        "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": before},
        "links": {"prev": link("before", before), "next": link("after", after)},
    }


def groups(request: web.Request, sim: SimState) -> dict[str, Any]:
    acc = sim.account
    ids = np.asarray(acc.people.group_ids, dtype=np.int64)
    index = {gid: i for i, gid in enumerate(acc.people.group_ids)}
    base = _base(request)
    return _cursor_list(
        request, "groups", "groups", ids, lambda gid: records.group(acc, base, index[gid]), "groups"
    )


def brands(request: web.Request, sim: SimState) -> dict[str, Any]:
    acc = sim.account
    ids = np.asarray(acc.people.brand_ids, dtype=np.int64)
    index = {bid: i for i, bid in enumerate(acc.people.brand_ids)}
    base = _base(request)
    return _cursor_list(
        request, "brands", "brands", ids, lambda bid: records.brand(acc, base, index[bid]), "brands"
    )


def users_list(request: web.Request, sim: SimState) -> dict[str, Any]:
    """``GET /api/v2/users?role[]=agent&role[]=admin`` (or ``role=``): cursor pages by id."""
    acc = sim.account
    table = acc.people.users
    wanted = request.query.getall("role[]", []) + request.query.getall("role", [])
    codes = [ROLES.index(r) for r in wanted if r in ROLES]
    rows = np.flatnonzero(np.isin(table["role"], codes)) if wanted else np.arange(len(table))
    rows = rows[np.argsort(table["user_id"][rows], kind="stable")]
    ids = table["user_id"][rows].astype(np.int64)
    base = _base(request)

    def render(uid: int) -> dict[str, Any]:
        return records.user(acc, base, int(rows[np.searchsorted(ids, uid)]))

    return _cursor_list(request, "users", "users", ids, render, "users")


def ratings(request: web.Request, sim: SimState) -> dict[str, Any]:
    acc = sim.account
    q = request.query
    table = acc.ratings
    mask = np.ones(len(table), dtype=bool)
    when = table[sim.ratings_time_field]
    if "start_time" in q:
        mask &= when >= int_param(q, "start_time")
    if "end_time" in q:
        mask &= when <= int_param(q, "end_time")
    score = q.get("score")
    if score:
        base_score, _, comment = score.partition("_with")
        wanted = {"received": (2, 3), "good": (2,), "bad": (3,), "offered": (1,)}.get(base_score)
        if wanted is None and score in SCORES:
            wanted = (SCORES.index(score),)
        if wanted is None or comment not in ("", "_comment", "out_comment"):
            raise invalid(f"score {score!r} is not one of offered, unoffered, good, bad, received")
        mask &= np.isin(table["score"], wanted)
        if comment:
            mask &= (table["comment"] != 0) == (comment == "_comment")
    rows = np.flatnonzero(mask)
    ids = table["rating_id"][rows]
    first = int(table["rating_id"][0]) if len(table) else 0
    base = _base(request)
    return _cursor_list(
        request, "satisfaction_ratings", "satisfaction_ratings", ids,
        lambda rid: records.rating(acc, base, rid - first), "ratings",
    )  # fmt: skip


def _count(sim: SimState, value: int) -> dict[str, Any]:
    """A Count endpoint's answer: ``{"count": {"value", "refreshed_at"}}``. As Zendesk documents,
    a count above 100,000 is a cached one, refreshed daily (here: at the day's UTC midnight)."""
    now = _now(sim)
    refreshed = now if value <= CACHED_COUNT else now - now % 86400
    stamp = datetime.fromtimestamp(refreshed, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"count": {"value": value, "refreshed_at": stamp}}


def ratings_count(request: web.Request, sim: SimState) -> dict[str, Any]:
    """``GET /api/v2/satisfaction_ratings/count``: every rating of the account (no filters)."""
    return _count(sim, len(sim.account.ratings))


def tickets_count(request: web.Request, sim: SimState) -> dict[str, Any]:
    """``GET /api/v2/tickets/count``: the account's tickets, deleted ones left out."""
    acc = sim.account
    latest = acc.latest[1 : acc.n_tickets + 1]
    rows = latest[latest >= 0]
    return _count(sim, int(np.count_nonzero(acc.tickets["status"][rows] != DELETED)))


def _time_export(
    request: web.Request, sim: SimState, key: str, updated: np.ndarray, render: Callable[[int], Any]
) -> dict[str, Any]:
    start_time = int_param(request.query, "start_time")
    now = _now(sim)
    if start_time > now - TIME_EXPORT_LAG:
        raise ApiError(422, TOO_RECENT)
    # like Zendesk, leave out the last minute: the next start_time is then always accepted
    visible = int(np.searchsorted(updated, now - TIME_EXPORT_LAG, side="right"))
    a, b, end_time = time_page(updated[:visible], start_time, _page_size(request, key))
    items = [render(i) for i in range(a, b)]
    path = f"{_base(request)}/api/v2/channels/voice/stats/incremental/{key}.json"
    return {key: items, "next_page": f"{path}?start_time={end_time}", "count": len(items),
            "end_time": end_time}  # fmt: skip


def calls(request: web.Request, sim: SimState) -> dict[str, Any]:
    acc = sim.account
    return _time_export(request, sim, "calls", acc.calls["updated"], lambda r: records.call(acc, r))


def legs(request: web.Request, sim: SimState) -> dict[str, Any]:
    acc = sim.account
    return _time_export(request, sim, "legs", acc.legs["updated"], lambda r: records.leg(acc, r))


def queue(request: web.Request, sim: SimState) -> dict[str, Any]:
    return {"current_queue_activity": talkstats.current_queue_activity(sim.account, _now(sim))}


def agents_activity(request: web.Request, sim: SimState) -> dict[str, Any]:
    everyone = talkstats.agents_activity(sim.account, _now(sim))
    page = max(1, int_param(request.query, "page", 1))
    per_page = _page_size(request, "agents_activity", most=100)
    chunk = everyone[(page - 1) * per_page : page * per_page]
    path = f"{_base(request)}/api/v2/channels/voice/stats/agents_activity.json"
    more = page * per_page < len(everyone)
    return {
        "agents_activity": chunk,
        "next_page": f"{path}?page={page + 1}&per_page={per_page}" if more else None,
        "previous_page": f"{path}?page={page - 1}&per_page={per_page}" if page > 1 else None,
        "count": len(everyone),
    }


def account_overview(request: web.Request, sim: SimState) -> dict[str, Any]:
    return {"account_overview": talkstats.account_overview(sim.account, _now(sim))}


def me_row(sim: SimState) -> int:
    return int(np.flatnonzero(sim.account.people.users["user_id"] == AGENT_ID_BASE)[0])


def me(request: web.Request, sim: SimState) -> dict[str, Any]:
    return {"user": records.user(sim.account, _base(request), me_row(sim))}


def anonymous_user(sim: SimState) -> dict[str, Any]:
    return {
        "id": None,
        "url": None,
        "name": "Anonymous user",
        "email": "invalid@example.com",
        "created_at": None,
        "updated_at": None,
        "time_zone": sim.account.tz,
        "iana_time_zone": sim.account.tz,
        "phone": None,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": None,
        "role": "end-user",
        "verified": False,
        "authenticity_token": "sim-anonymous",
    }


async def oauth_tokens(request: web.Request) -> web.Response:
    sim = request.app[SIM_KEY]
    params: dict[str, str] = {}
    if request.content_type == "application/json":
        try:
            raw = await request.json()
        except ValueError:
            raw = None
        if isinstance(raw, dict):
            params = {k: str(v) for k, v in raw.items()}
    else:
        params = {k: str(v) for k, v in (await request.post()).items()}
    basic = None
    if request.headers.get("Authorization", "").lower().startswith("basic "):
        try:
            raw = base64.b64decode(request.headers["Authorization"][6:].strip()).decode()
            user, _, password = raw.partition(":")
            basic = (user, password)
        except (ValueError, UnicodeDecodeError):
            basic = None
    status, body = sim.auth.token_grant(params, basic)
    return json_response(body, status)


async def not_found(request: web.Request) -> web.Response:
    return json_response(NOT_FOUND, 404)


def add_routes(app: web.Application) -> None:
    ext = "{ext:(\\.json)?}"
    voice = "/api/v2/channels/voice/stats"
    for path, fn in (
        ("/api/v2/incremental/tickets/cursor", tickets_export),
        ("/api/v2/incremental/users/cursor", users_export),
        ("/api/v2/groups", groups),
        ("/api/v2/brands", brands),
        ("/api/v2/satisfaction_ratings/count", ratings_count),
        ("/api/v2/satisfaction_ratings", ratings),
        ("/api/v2/tickets/count", tickets_count),
        (f"{voice}/incremental/calls", calls),
        (f"{voice}/incremental/legs", legs),
        (f"{voice}/current_queue_activity", queue),
        (f"{voice}/agents_activity", agents_activity),
        (f"{voice}/account_overview", account_overview),
        ("/api/v2/users/me", me),
        ("/api/v2/users", users_list),
    ):
        app.router.add_get(path + ext, _wrap(fn))
    app.router.add_post("/oauth/tokens" + ext, oauth_tokens)
    app.router.add_route("*", "/api/v2/{tail:.*}", not_found)
