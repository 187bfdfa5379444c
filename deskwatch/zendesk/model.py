"""The small immutable values the client hands out: batches, progress, status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SyncProgress:
    """How far a fetch has come: for the UI's progress bar and the CLI.

    ``fraction`` (0..1) and ``eta_seconds`` are known for the time-ordered streams (tickets,
    calls, legs): how far the export's clock has moved from where this fetch started
    towards now. ``None`` when unknown.
    """

    records: int
    pages: int
    fraction: float | None = None
    eta_seconds: float | None = None


@dataclass(frozen=True)
class Batch:
    stream: str
    records: list[dict[str, Any]]
    cursor: str | None
    done: bool
    progress: SyncProgress | None = None


@dataclass(frozen=True)
class ClientStatus:
    """A snapshot for the status bar. ``state``: idle, ok, retrying, rate_limited, auth_failed,
    forbidden, talk_unavailable, unreachable or error."""

    state: str
    retry_at: datetime | None
    requests_last_minute: int
    allowed_per_minute: int
    plan_limit: int
    errors: int
    last_error: str | None
    skipped: int
    requests: int
    warnings: tuple[str, ...] = ()
    nulled: int = 0  # bad values nulled (their records kept)
    rejects: str | None = None  # one line: what was skipped or nulled, by stream and reason
