"""A scripted in-memory Zendesk for ``httpx.MockTransport`` plus a fake clock (no tests here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from deskwatch.config import Config, build_config
from deskwatch.zendesk import ZendeskClient

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures-external"
EPOCH = 1_790_000_000.0  # wall-clock "now" of the fake clock at t=0 (2026-09-21)
BASE = "http://127.0.0.1:9"  # never contacted: MockTransport answers


class FakeClock:
    """Monotonic + wall clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return EPOCH + self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


def iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket(i: int, ts: int) -> dict[str, Any]:
    return {
        "id": i,
        "created_at": iso(ts),
        "updated_at": iso(ts),
        "generated_timestamp": ts,
        "status": "open",
        "metric_set": {"reply_time_in_minutes": {"calendar": 5, "business": 3}},
        "some_future_field": {"x": 1},
    }


@dataclass
class FakeZendesk:
    """Serves tickets/users/groups/ratings/calls/legs/queue/agents_activity from lists.

    Pages hold ``page`` records whatever the request asks (``users`` serve both the incremental
    export and the ``role[]``-filtered list); ``links.next`` is always set on list pages.

    ``script`` maps a path suffix to responses served (and removed) before the normal answer;
    a callable entry is called with the request (it may raise an httpx exception).
    """

    tickets: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    brands: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    legs: list[dict[str, Any]] = field(default_factory=list)
    page: int = 2
    headers: dict[str, str] = field(default_factory=dict)
    script: dict[str, list[Any]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    token_grants: list[dict[str, Any]] = field(default_factory=list)
    valid_token: str = "tok"
    ratings_field: str = "updated_at"  # what satisfaction_ratings' start_time filters on

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        for suffix, queue in self.script.items():
            if path.endswith(suffix) and queue:
                item = queue.pop(0)
                return item(request) if callable(item) else item
        if path == "/oauth/tokens":
            grant = json.loads(request.content)
            self.token_grants.append(grant)
            n = len(self.token_grants)
            self.valid_token = f"access-{n}"
            return httpx.Response(
                200,
                json={
                    "access_token": self.valid_token,
                    "refresh_token": f"refresh-{n}",
                    "expires_in": 1800,
                    "token_type": "bearer",
                },
            )
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer") and auth != f"Bearer {self.valid_token}":
            return httpx.Response(401, json={"error": "invalid_token", "error_description": "x"})
        return httpx.Response(200, json=self.route(request), headers=self.headers)

    def route(self, request: httpx.Request) -> dict[str, Any]:
        path, q = request.url.path, request.url.params
        if path.endswith("/incremental/tickets/cursor.json"):
            return self._cursor_page("tickets", self.tickets, q)
        if path.endswith("/incremental/users/cursor.json"):
            return self._cursor_page("users", self.users, q)
        if path.endswith("/groups.json"):
            return self._meta_page("groups", self.groups, q)
        if path.endswith("/brands.json"):
            return self._meta_page("brands", self.brands, q)
        if path.endswith("/api/v2/users.json"):
            roles = q.get_list("role[]")
            rows = [u for u in self.users if not roles or u.get("role") in roles]
            return self._meta_page("users", rows, q)
        if path.endswith("/satisfaction_ratings.json"):
            start = int(q["start_time"])
            rows = [r for r in self.ratings if _epoch(r[self.ratings_field]) >= start]
            return self._meta_page("satisfaction_ratings", rows, q)
        for kind in ("calls", "legs"):
            if path.endswith(f"/incremental/{kind}.json"):
                return self._time_page(kind, getattr(self, kind), int(q["start_time"]))
        if path.endswith("/current_queue_activity.json"):
            return {"current_queue_activity": {"agents_online": 3, "calls_waiting": 1}}
        if path.endswith("/agents_activity.json"):
            n = int(q.get("page", "1"))
            nxt = f"{BASE}/api/v2/channels/voice/stats/agents_activity.json?page={n + 1}"
            return {
                "agents_activity": [{"agent_id": n, "name": f"A{n}"}],
                "next_page": nxt if n < 2 else None,
            }
        if path.endswith("/users/me.json"):
            return {"user": {"id": 7, "role": "admin", "name": "Ada"}}
        return {"error": "unexpected path"}

    def _cursor_page(self, key: str, rows: list[dict[str, Any]], q: Any) -> dict[str, Any]:
        if "cursor" in q:
            pos = int(q["cursor"])
        else:
            start = int(q["start_time"])
            pos = next((i for i, r in enumerate(rows) if _time(r) >= start), len(rows))
        chunk = rows[pos : pos + self.page]
        end = pos + len(chunk)
        return {
            key: chunk,
            "after_cursor": str(end),
            "before_cursor": None,
            "after_url": None,
            "end_of_stream": end >= len(rows),
        }

    def _meta_page(self, key: str, rows: list[dict[str, Any]], q: Any) -> dict[str, Any]:
        pos = int(q.get("page[after]", "0"))
        chunk = rows[pos : pos + self.page]
        more = pos + len(chunk) < len(rows)
        return {
            key: chunk,
            "meta": {"has_more": more, "after_cursor": str(pos + len(chunk))},
            "links": {"next": f"{BASE}/next-is-always-set"},
        }

    def _time_page(self, key: str, rows: list[dict[str, Any]], start: int) -> dict[str, Any]:
        match = sorted((r for r in rows if _epoch(r["updated_at"]) >= start), key=_updated)
        chunk = match[: self.page]
        end = _epoch(chunk[-1]["updated_at"]) if chunk else start
        return {
            key: chunk,
            "count": len(chunk),
            "end_time": end,
            "next_page": f"{BASE}/x?start_time={end}",
        }


def _epoch(stamp: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(stamp).timestamp())


def _updated(row: dict[str, Any]) -> int:
    return _epoch(row["updated_at"])


def _time(row: dict[str, Any]) -> int:
    return int(row.get("generated_timestamp") or _epoch(row["updated_at"]))


def make_config(**sections: Any) -> Config:
    data: dict[str, Any] = {"zendesk": {"url": BASE, "auth": {"access_token": "tok"}}}
    for name, values in sections.items():
        if name == "auth":
            data["zendesk"]["auth"] = values
        else:
            data[name] = values
    return build_config(data, env={})


def make_client(
    fake: Callable[[httpx.Request], httpx.Response],
    clock: FakeClock,
    cfg: Config | None = None,
    **options: Any,
) -> ZendeskClient:
    import random

    return ZendeskClient(
        cfg or make_config(),
        transport=httpx.MockTransport(fake),
        clock=clock.clock,
        sleep=clock.sleep,
        wall=clock.wall,
        rng=random.Random(1),
        **options,
    )


async def collect(client: ZendeskClient, stream: str, cursor: str | None = None) -> list[Any]:
    return [b async for b in client.fetch(stream, cursor)]
