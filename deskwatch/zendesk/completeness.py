"""Completeness for ``deskwatch check``: where Zendesk reports a total, set it against the cache.

What Zendesk documents, and so what can be compared:

- ``GET /api/v2/satisfaction_ratings/count``: an approximate count of **every** rating of the
  account, no filters; above 100,000 a cached value refreshed every 24 hours (its
  ``count.refreshed_at`` may then be null, the value capped at 100,000). The cache holds the
  ratings of ``sync.history_days``, so the two are the same range only when the account has no
  rating from before it: one ``end_time`` filtered request (``end_time`` = the range's start
  minus a second, ``page[size]=1``) says so, whichever time the filter uses (a rating is never
  updated before it is created). Compared then, and only while the count is not the cached
  estimate; ratings the edge checks skipped count as held.
- ``GET /api/v2/tickets/count``: an approximate count of the account's tickets, no filters, and
  Zendesk does not say whether deleted or archived tickets count; the cache holds the tickets
  changed within ``sync.history_days``, deleted ones included. Shown, never compared.
- The Talk exports' ``count`` is the size of one page, not a total: nothing to compare.

Lines start with ``✓`` (equal), ``!`` (a difference, with what to do) or ``·`` (shown, not
compared, saying why). A difference is a warning, not a failed check: a live account gets
ratings between the cache's last sync and the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from deskwatch.zendesk.client import ZendeskClient
from deskwatch.zendesk.errors import ZendeskError
from deskwatch.zendesk.parse import is_int

CACHED_ABOVE = 100_000  # Zendesk's counts above this are a daily estimate


@dataclass(frozen=True)
class Held:
    """What the cache holds, counted by the caller."""

    ratings: int
    ratings_skipped: int  # turned away by the edge checks (counted as held)
    ratings_backfill_done: bool
    tickets: int
    talk: bool  # Talk streams synced (the line saying they have no total)


@dataclass(frozen=True)
class Count:
    value: int
    refreshed_at: str | None

    @property
    def estimate(self) -> bool:
        return self.value >= CACHED_ABOVE or self.refreshed_at is None


async def lines(client: ZendeskClient, held: Held) -> list[str]:
    """One line per stream (see the module docstring)."""
    since = int(client.wall()) - client.history_days * 86400
    out = [await _ratings(client, held, since)]
    out.append(await _tickets(client, held, since))
    if held.talk:
        out.append(
            "· calls, legs: Zendesk reports no total for the Talk exports (their count is the "
            "size of a page): not compared"
        )
    return out


async def _count(client: ZendeskClient, path: str) -> Count | str:
    """The count at ``path``, or why there is none (one line)."""
    try:
        reply = await client.get_json(path)
    except ZendeskError as exc:
        return str(exc)
    body: Any = reply.body
    count = body.get("count") if isinstance(body, dict) else None
    if not isinstance(count, dict) or not is_int(count.get("value")) or count["value"] < 0:
        return f"{path} did not answer with a count"
    value, refreshed = count["value"], count.get("refreshed_at")
    return Count(value, refreshed if isinstance(refreshed, str) else None)


async def _ratings(client: ZendeskClient, held: Held, since: int) -> str:
    have = f"{held.ratings:,} in cache"
    if held.ratings_skipped:
        have += f" (+{held.ratings_skipped:,} skipped as bad records)"
    total = await _count(client, "/api/v2/satisfaction_ratings/count.json")
    if isinstance(total, str):
        return f"· ratings: {have}; Zendesk's count is not readable ({total}): not compared"
    day = _day(since)
    try:
        older = await client.get_json(
            "/api/v2/satisfaction_ratings.json?"
            + urlencode({"end_time": since - 1, "page[size]": 1})
        )
    except ZendeskError as exc:
        return f"· ratings: {have}; cannot tell whether the account has older ratings ({exc})"
    body: Any = older.body
    before = body.get("satisfaction_ratings") if isinstance(body, dict) else None
    if before:
        return (
            f"· ratings: {have} (since {day}, sync.history_days); Zendesk reports "
            f"{total.value:,} in the whole account, which has ratings from before {day}: "
            "not the same range, not compared"
        )
    said = f"ratings: {have}, Zendesk reports {total.value:,}"
    if total.estimate:
        when = total.refreshed_at or "being refreshed"
        return f"· {said}: Zendesk's count above 100,000 is a daily estimate ({when}): not compared"
    held_all = held.ratings + held.ratings_skipped
    whole = f"(the whole account: no rating before {day})"
    if held_all == total.value:
        return f"✓ {said} {whole}"
    if held_all > total.value:
        return (
            f"! {said} {whole}: {held_all - total.value:,} more in the cache; ratings deleted "
            "in Zendesk (e.g. with their tickets) stay in the cache"
        )
    missing = f"! {said} {whole}: {total.value - held_all:,} missing from the cache"
    if not held.ratings_backfill_done:
        return (
            f"{missing}; the history backfill is still running: check again once the status "
            "bar no longer shows 'history'"
        )
    return (
        f"{missing} (ratings given since the last sync count too); let deskwatch sync "
        "(deskwatch export syncs to the end) and check again; if they stay missing, move "
        "the state dir's ratings.* files aside to re-sync the ratings, and report it"
    )


async def _tickets(client: ZendeskClient, held: Held, since: int) -> str:
    have = f"tickets: {held.tickets:,} in cache (changed since {_day(since)}, deleted included)"
    total = await _count(client, "/api/v2/tickets/count.json")
    if isinstance(total, str):
        return f"· {have}; Zendesk's count is not readable ({total})"
    kind = "a daily estimate" if total.estimate else "approximate"
    return (
        f"· {have}; Zendesk counts {total.value:,} in the whole account ({kind}, deleted and "
        "archived unsaid): not compared"
    )


def _day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
