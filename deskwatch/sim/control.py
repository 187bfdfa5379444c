"""Test hooks under ``/__sim``: faults, the clock, a state summary. Never part of Zendesk's API."""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web

from deskwatch.sim.respond import json_response
from deskwatch.sim.state import SIM_KEY, SimState


def apply_clock(sim: SimState, body: dict[str, Any]) -> dict[str, Any]:
    clock = sim.clock
    if "set" in body:
        clock.set(float(body["set"]))
    if "advance" in body:
        clock.advance(float(body["advance"]))
    if body.get("freeze") is True:
        clock.freeze()
    elif body.get("freeze") is False:
        clock.unfreeze()
    return {"now": clock.now(), "frozen": clock.frozen}


def summary(sim: SimState) -> dict[str, Any]:
    acc = sim.account
    return {
        "now": sim.clock.now(),
        "ticket_versions": len(acc.tickets),
        "tickets": acc.n_tickets,
        "ratings": len(acc.ratings),
        "calls": len(acc.calls),
        "legs": len(acc.legs),
        "changes": acc.changes,
        "requests": sim.requests,
        "rate_limited": sim.limiter.counts["limited"],
    }


async def _read(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "expected a JSON object"}')
    return body


async def get_faults(request: web.Request) -> web.Response:
    return json_response(request.app[SIM_KEY].faults.to_dict())


async def post_faults(request: web.Request) -> web.Response:
    sim = request.app[SIM_KEY]
    body = await _read(request)
    try:
        sim.set_faults(sim.faults.update(body))
    except (ValueError, TypeError) as exc:
        return json_response({"error": str(exc)}, 400)
    return json_response(sim.faults.to_dict())


async def post_clock(request: web.Request) -> web.Response:
    sim = request.app[SIM_KEY]
    try:
        return json_response(apply_clock(sim, await _read(request)))
    except (ValueError, TypeError) as exc:
        return json_response({"error": str(exc)}, 400)


async def post_token(request: web.Request) -> web.Response:
    """``{"revoke": true}`` revokes every token issued so far; then a new access token that
    never expires is issued and returned (what an admin does after a token leaks)."""
    sim = request.app[SIM_KEY]
    body = await _read(request)
    if body.get("revoke") is True:
        sim.auth.revoke_all()
    token = secrets.token_hex(20)
    sim.auth.access[token] = (sim.clock.now(), float("inf"))
    return json_response({"access_token": token})


async def get_state(request: web.Request) -> web.Response:
    return json_response(summary(request.app[SIM_KEY]))


def add_control_routes(app: web.Application) -> None:
    app.router.add_get("/__sim/faults", get_faults)
    app.router.add_post("/__sim/faults", post_faults)
    app.router.add_post("/__sim/clock", post_clock)
    app.router.add_get("/__sim/state", get_state)
    app.router.add_post("/__sim/token", post_token)
