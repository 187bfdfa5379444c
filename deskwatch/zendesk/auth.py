"""Credentials: OAuth bearer tokens (static, client_credentials, refresh_token) and API tokens.

Secrets live only in this object's private attributes: ``repr`` shows the method, never a value,
and every message built here is scrubbed of anything secret.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

from deskwatch.config import AuthConfig
from deskwatch.zendesk.errors import AuthError

API_TOKEN_WARNING = (
    "Zendesk stops accepting API tokens on 2027-04-30: switch zendesk.auth.method to "
    '"oauth" or "oauth_client_credentials" before then'
)
REFRESH_MARGIN = 120.0  # refresh an expiring token this many seconds early

# (grant body) -> (status, json body or None); supplied by the HTTP layer
TokenPost = Callable[[dict[str, str]], Awaitable[tuple[int, Any]]]


class Auth:
    def __init__(self, cfg: AuthConfig, clock: Callable[[], float]) -> None:
        self.method = cfg.method
        self._clock = clock
        self._client_id = cfg.client_id
        self._client_secret = cfg.client_secret.reveal()
        self._access = cfg.access_token.reveal() if cfg.method == "oauth" else ""
        self._refresh = cfg.refresh_token.reveal()
        self._email = cfg.email
        self._api_token = cfg.api_token.reveal()
        self._expires_at: float | None = None
        self.refreshes = 0
        self.warnings: list[str] = [API_TOKEN_WARNING] if cfg.method == "api_token" else []

    def __repr__(self) -> str:
        return f"Auth(method={self.method!r})"

    # --- what the HTTP layer asks ------------------------------------------------------

    @property
    def can_refresh(self) -> bool:
        if self.method == "oauth_client_credentials":
            return True
        return self.method == "oauth" and bool(self._refresh and self._client_id)

    def needs_token(self) -> bool:
        """True when a token grant must run before the next request."""
        if self.method == "api_token":
            return False
        if not self._access:
            return True
        if self._expires_at is None or not self.can_refresh:
            return False
        return self._clock() >= self._expires_at - REFRESH_MARGIN

    def header(self) -> str:
        if self.method == "api_token":
            raw = f"{self._email}/token:{self._api_token}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return f"Bearer {self._access}"

    def scrub(self, text: str) -> str:
        """Remove every secret this object knows from ``text``."""
        for secret in (self._access, self._refresh, self._client_secret, self._api_token):
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    # --- token grants -----------------------------------------------------------------

    def _grant(self) -> dict[str, str]:
        if self.method == "oauth_client_credentials":
            return {
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "scope": "read",
            }
        return {
            "grant_type": "refresh_token",
            "refresh_token": self._refresh,
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }

    async def obtain(self, post: TokenPost) -> None:
        """Run the configured grant against ``POST /oauth/tokens`` and keep the new tokens."""
        if not self.can_refresh:
            raise AuthError(
                "the OAuth access token was rejected or expired and cannot be refreshed: "
                "set a new zendesk.auth.access_token (or add refresh_token, client_id, "
                "client_secret)",
                status=401,
            )
        grant = self._grant()["grant_type"]
        status, body = await post(self._grant())
        if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
            error = body.get("error") if isinstance(body, dict) else None
            what = (
                "client_id/client_secret were refused"
                if grant == "client_credentials"
                else "the refresh token was refused (it may have expired or been used already)"
            )
            fix = (
                "check zendesk.auth.client_id and client_secret"
                if grant == "client_credentials"
                else "authorize deskwatch again and set zendesk.auth.refresh_token"
            )
            detail = f" ({error})" if isinstance(error, str) else f" (HTTP {status})"
            raise AuthError(self.scrub(f"OAuth {grant} grant failed: {what}{detail}; {fix}"))
        self._access = str(body["access_token"])
        new_refresh = body.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh:
            self._refresh = new_refresh  # refresh tokens rotate: the old one is now dead
        expires = body.get("expires_in")
        if isinstance(expires, int | float) and not isinstance(expires, bool) and expires > 0:
            self._expires_at = self._clock() + float(expires)
        else:
            self._expires_at = None
        self.refreshes += 1
