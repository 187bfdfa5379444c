"""The Zendesk client: the only code in deskwatch that talks to Zendesk."""

from deskwatch.zendesk.client import ZendeskClient
from deskwatch.zendesk.errors import (
    AuthError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    TalkUnavailableError,
    UnavailableError,
    ZendeskError,
)
from deskwatch.zendesk.model import STREAMS, Batch, ClientStatus, SyncProgress

__all__ = [
    "STREAMS",
    "AuthError",
    "BadRequestError",
    "Batch",
    "ClientStatus",
    "ForbiddenError",
    "NotFoundError",
    "RateLimitedError",
    "SyncProgress",
    "TalkUnavailableError",
    "UnavailableError",
    "ZendeskClient",
    "ZendeskError",
]
