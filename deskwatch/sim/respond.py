"""JSON responses the way Zendesk sends them."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class ApiError(Exception):
    """Raised inside a route to answer with a Zendesk error body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


def dumps(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        text=dumps(body), status=status, headers=headers, content_type="application/json"
    )


def invalid(description: str) -> ApiError:
    return ApiError(400, {"error": "InvalidValue", "description": description})


def int_param(query: Any, name: str, default: int | None = None) -> int:
    raw = query.get(name)
    if raw is None:
        if default is None:
            raise invalid(f"{name} is required")
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid(f"{name} must be an integer, got {raw!r}") from None
