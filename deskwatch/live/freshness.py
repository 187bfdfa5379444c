"""How fresh each stream's data is, from the poller's stream states: pure functions, no I/O.

A stream is *stale* when its last good poll is older than :data:`STALE_FACTOR` cadences, or
when it has not finished a first sync this session while failing or still in its first sync
(its figures are not the truth yet). History backfills are never stale (their progress is
``DashboardData.partial``). A stream is *unavailable* when the account refuses it (a Talk
endpoint answered 403/404: Talk is off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from deskwatch.live.pollstate import STALE_FACTOR, StreamState, is_history

Cadence = Callable[[str], float]


def stale_streams(states: Iterable[StreamState], cadence: Cadence, now: datetime) -> frozenset[str]:
    stale = set()
    for s in states:
        if is_history(s.name):  # not a tile's source: its progress is in ``partial``
            continue
        limit = STALE_FACTOR * cadence(s.name)
        old = s.last_ok is not None and (now - s.last_ok).total_seconds() > limit
        # failing before its first success, or still in its first sync: not the truth yet
        never = not s.synced and (s.failures > 0 or s.first_sync)
        if old or never:
            stale.add(s.name)
    return frozenset(stale)


def unavailable_streams(states: Iterable[StreamState]) -> frozenset[str]:
    """Streams whose last poll said the account has no Talk (403/404 on a Talk endpoint)."""
    return frozenset(s.name for s in states if s.error_state == "talk_unavailable")


def next_stale(states: Iterable[StreamState], cadence: Cadence, now: datetime) -> float | None:
    """Seconds until a fresh stream turns stale (so the badge appears without a poll)."""
    left = [
        (s.last_ok - now).total_seconds() + STALE_FACTOR * cadence(s.name)
        for s in states
        if s.last_ok is not None
    ]
    ahead = [x for x in left if x > 0]
    return min(ahead) + 0.01 if ahead else None
