"""The aiohttp application: Zendesk routes, with auth, rate limits and faults in one middleware."""

from __future__ import annotations

import asyncio
import math
import socket
import struct
from collections.abc import Awaitable, Callable
from email.utils import formatdate

from aiohttp import web

from deskwatch.sim import routes
from deskwatch.sim.auth import BASIC_FAILED, INVALID_TOKEN
from deskwatch.sim.control import add_control_routes
from deskwatch.sim.faults import MALFORMED_BODY, SERVER_ERROR_BODY, TALK_OFF_403, pick
from deskwatch.sim.limits import ACCOUNT_429
from deskwatch.sim.respond import json_response
from deskwatch.sim.state import SIM_KEY, SimState

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _reset(request: web.Request) -> None:
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _auth_failure(sim: SimState, request: web.Request) -> web.Response | None:
    """None when the request carries valid credentials, else Zendesk's 401 (or 200 anonymous)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    is_me = request.path.rstrip("/").removesuffix(".json").endswith("/users/me")
    if scheme.lower() == "bearer":
        if sim.auth.bearer_ok(value.strip()):
            return None
        return json_response(INVALID_TOKEN, 401, {"WWW-Authenticate": 'Bearer realm="Web"'})
    if scheme.lower() == "basic" and sim.auth.basic_ok(value.strip()):
        return None
    if is_me:
        return json_response({"user": routes.anonymous_user(sim)})
    return json_response(BASIC_FAILED, 401, {"WWW-Authenticate": 'Basic realm="Web Password"'})


@web.middleware
async def zendesk_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    sim = request.app[SIM_KEY]
    path = request.path
    if path.startswith("/__sim"):
        return await handler(request)
    sim.requests += 1
    faults = sim.faults
    rng = sim.fault_rng
    if faults.latency or faults.latency_jitter:
        await asyncio.sleep(faults.latency + rng.random() * faults.latency_jitter)
    action = sim.next_burst() or pick(faults, rng)
    now = sim.clock.now()
    if action == "storm" or (faults.storm_until is not None and now < faults.storm_until):
        wait = faults.storm_retry_after
        if faults.storm_until is not None and now < faults.storm_until:
            wait = max(1, int(faults.storm_until - now + 0.999))
        told = {"Date": formatdate(now, usegmt=True)}
        if faults.retry_after_form == "date":  # whole seconds: round up, never early
            told["Retry-After"] = formatdate(math.ceil(now) + wait, usegmt=True)
        else:
            told["Retry-After"] = str(wait)
        return json_response(ACCOUNT_429, 429, told)
    if action == "timeout":
        await asyncio.sleep(faults.hang_seconds)
    if action == "reset":
        _reset(request)
        raise asyncio.CancelledError  # nothing more to send on a dead connection
    if action == "error":
        status = rng.choice((500, 502, 503, 504))
        return json_response(SERVER_ERROR_BODY, status)
    headers: dict[str, str] = {}
    if path.startswith("/api/"):
        failure = _auth_failure(sim, request)
        if failure is not None:
            return failure
        if "/channels/voice/" in path and not faults.talk_enabled:
            return json_response(TALK_OFF_403, 403)
        verdict = sim.limiter.check(
            incremental="/incremental/" in path, talk="/channels/voice/" in path
        )
        headers = verdict.headers
        if not verdict.allowed:
            return json_response(verdict.body, 429, headers)
    response = await handler(request)
    response.headers.update(headers)
    response.headers["Date"] = formatdate(sim.clock.now(), usegmt=True)  # the sim's own clock
    if action in ("malformed", "truncated") and isinstance(response, web.Response):
        body = response.body if isinstance(response.body, bytes) else b"{}"
        cut = body[: max(1, len(body) // 2)] if action == "truncated" else MALFORMED_BODY
        broken = web.Response(body=cut, status=response.status, headers=headers)
        broken.content_type = "application/json"
        return broken
    return response


def build_app(sim: SimState) -> web.Application:
    app = web.Application(middlewares=[zendesk_gate])
    app[SIM_KEY] = sim
    routes.add_routes(app)
    add_control_routes(app)
    return app
