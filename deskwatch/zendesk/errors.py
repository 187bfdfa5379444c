"""Typed failures of the Zendesk client. ``str(err)`` is one actionable line, never a secret."""

from __future__ import annotations

from deskwatch.errors import DeskwatchError


class ZendeskError(DeskwatchError):
    """Base class: something went wrong talking to Zendesk."""

    exit_code = 1
    #: the short state shown in the status bar while this error is the latest one
    state = "error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(" ".join(message.split()))  # always one line
        self.status = status


class AuthError(ZendeskError):
    """Credentials rejected (401), anonymous user, or a token grant refused."""

    state = "auth_failed"


class ForbiddenError(ZendeskError):
    """403: the token or user lacks a permission or scope."""

    state = "forbidden"


class TalkUnavailableError(ZendeskError):
    """A Talk endpoint answered 403/404: Talk is off on this account or for this user."""

    state = "talk_unavailable"


class NotFoundError(ZendeskError):
    """404 on a Support endpoint: wrong URL or subdomain."""


class BadRequestError(ZendeskError):
    """400 or 422: the request was refused as invalid (a bug or a bad cursor)."""


class UnavailableError(ZendeskError):
    """5xx, 409, timeouts, connection errors or broken pages after all retries."""

    state = "unreachable"


class RateLimitedError(ZendeskError):
    """Still answered 429 after the bounded number of waits."""

    state = "rate_limited"
