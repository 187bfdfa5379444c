"""Zendesk-style auth: OAuth bearer tokens (and the token endpoint), API-token Basic."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any

from deskwatch.sim.clock import SimClock

INVALID_TOKEN = {
    "error": "invalid_token",
    "error_description": (
        "The access token provided is expired, revoked, malformed, or invalid for other reasons."
    ),
}
BASIC_FAILED = {"error": "Couldn't authenticate you"}
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": (
        "The provided authorization grant is invalid, expired, revoked, does not match the "
        "redirection URI used in the authorization request, or was issued to another client."
    ),
}
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client authentication failed due to unknown client, no client "
    "authentication included, or unsupported authentication method.",
}
UNSUPPORTED_GRANT = {
    "error": "unsupported_grant_type",
    "error_description": "The authorization grant type is not supported by the server.",
}


@dataclass
class AuthState:
    """Every credential the simulated account accepts, and the tokens it has issued."""

    clock: SimClock
    access_token: str
    email: str
    api_token: str
    client_id: str = "deskwatch_sim"
    client_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    refresh_token: str = field(default_factory=lambda: secrets.token_hex(20))
    token_ttl: float = 1800.0
    refresh_ttl: float = 30 * 86400.0
    revoke_at: float | None = None  # tokens issued before this instant stop working at it
    access: dict[str, tuple[float, float]] = field(default_factory=dict)  # token -> (issued, exp)
    refresh: dict[str, float] = field(default_factory=dict)  # token -> expiry

    def __post_init__(self) -> None:
        now = self.clock.now()
        self.access[self.access_token] = (now, float("inf"))  # the printed token never expires
        self.refresh[self.refresh_token] = now + self.refresh_ttl

    def bearer_ok(self, token: str) -> bool:
        entry = self.access.get(token)
        if entry is None:
            return False
        issued, expires = entry
        now = self.clock.now()
        if now >= expires:
            return False
        return not (self.revoke_at is not None and now >= self.revoke_at > issued)

    def basic_ok(self, header_value: str) -> bool:
        try:
            raw = base64.b64decode(header_value, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return False
        user, _, password = raw.partition(":")
        return user == f"{self.email}/token" and password == self.api_token

    def revoke_all(self) -> None:
        self.access.clear()
        self.refresh.clear()

    def _issue(self) -> dict[str, Any]:
        now = self.clock.now()
        token, refresh = secrets.token_hex(20), secrets.token_hex(20)
        self.access[token] = (now, now + self.token_ttl)
        self.refresh[refresh] = now + self.refresh_ttl
        return {
            "access_token": token,
            "token_type": "bearer",
            "scope": "read",
            "expires_in": int(self.token_ttl),
            "refresh_token": refresh,
            "refresh_token_expires_in": int(self.refresh_ttl),
        }

    def token_grant(
        self, params: dict[str, str], basic_client: tuple[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """``POST /oauth/tokens``: client_credentials or refresh_token (refresh tokens rotate)."""
        grant = params.get("grant_type", "")
        if not params.get("client_id") and basic_client:
            params = {**params, "client_id": basic_client[0], "client_secret": basic_client[1]}
        client_ok = (
            params.get("client_id") == self.client_id
            and params.get("client_secret") == self.client_secret
        )
        if grant == "client_credentials":
            return (200, self._issue()) if client_ok else (401, INVALID_CLIENT)
        if grant == "refresh_token":
            if params.get("client_id") and not client_ok:
                return 401, INVALID_CLIENT
            old = params.get("refresh_token", "")
            expiry = self.refresh.pop(old, None)
            if expiry is None or self.clock.now() >= expiry:
                return 400, INVALID_GRANT
            return 200, self._issue()
        return 400, UNSUPPORTED_GRANT
