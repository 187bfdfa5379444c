"""The Zendesk client: the only code in deskwatch that talks to Zendesk.

- ``client``: :class:`ZendeskClient` (one per process) and ``fetch(stream, cursor)``.
- ``streams`` / ``ratings`` / ``paging``: one pager per listing; cursors are opaque JSON strings.
- ``http``: one request with auth, governor, retries (5xx/409/timeouts/resets/broken pages:
  jittered exponential backoff, 6 attempts) and typed one-line errors (400/403/404/422 never
  retried, 401 once after a token refresh, 429 waits exactly Retry-After).
- ``governor``: token buckets for ``budget.share`` of the plan limit and
  ``budget.exports_per_minute`` (10: Zendesk's limit) exports a minute
  per export family (Support exports; Talk exports).
- ``auth``: OAuth bearer, client_credentials and rotating refresh_token grants, API token.
- ``parse``: record checks (wrong types are skipped and counted, never coerced).
- ``check``: the ``deskwatch check`` checklist.
"""

from deskwatch.stream_registry import STREAMS
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
from deskwatch.zendesk.model import Batch, ClientStatus, SyncProgress

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
