"""sync_all runs the streams concurrently: cursors never ahead of data, failures raised typed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from deskwatch.live.sync import sync_all, sync_stream
from deskwatch.store import Cache
from deskwatch.zendesk import AuthError, Batch
from tests.unit.kpi_records import call, cfg, ticket, user

T0 = datetime(2026, 5, 1, tzinfo=UTC)
TALK_OFF = {"talk": {"enabled": False}}


def records(stream: str, ids: range) -> list[dict[str, Any]]:
    if stream == "tickets":
        return [ticket(i, T0) for i in ids]
    if stream == "calls":
        return [call(i, T0 + timedelta(minutes=i)) for i in ids]
    if stream == "users":
        return [user(i, f"Agent {i}") for i in ids]
    return []


class InterleavedClient:
    """Every stream yields ``pages`` batches of 2 records; cursor ``"<last id>"``.

    Before its second batch a stream waits until every stream has yielded its first one, so a
    sequential sync_all would never get past the first stream. At every yield the cache is
    checked: each stream's cursor must be covered by the ids already in its frame.
    """

    def __init__(self, cache: Cache, streams: tuple[str, ...], pages: int = 3) -> None:
        self.cache = cache
        self.streams = streams
        self.pages = pages
        self.started: set[str] = set()
        self.everyone_started = asyncio.Event()
        self.order: list[str] = []
        self.violations: list[str] = []

    def check_cursors(self) -> None:
        for stream in self.streams:
            cursor = self.cache.cursor(stream)
            if cursor is None:
                continue
            have = set(self.cache.frames.get(stream)["id"].to_list())
            if not set(range(1, int(cursor) + 1)) <= have:
                self.violations.append(f"{stream} cursor {cursor} ahead of {sorted(have)}")

    async def fetch(self, stream: str, cursor: str | None = None) -> AsyncIterator[Batch]:
        if stream not in self.streams:
            yield Batch(stream, [], None, True)
            return
        for page in range(self.pages):
            if page == 1:
                self.started.add(stream)
                if self.started >= set(self.streams):
                    self.everyone_started.set()
                await self.everyone_started.wait()
            await asyncio.sleep(0)  # let the others run between batches
            self.check_cursors()
            first = 2 * page + 1
            done = page == self.pages - 1
            self.order.append(stream)
            yield Batch(stream, records(stream, range(first, first + 2)), str(first + 1), done)


async def test_streams_run_concurrently_and_no_cursor_runs_ahead_of_its_data() -> None:
    cache = Cache()
    client = InterleavedClient(cache, ("tickets", "calls"))
    # sequentially, tickets would wait forever for calls to start: the timeout would fire
    counts = await asyncio.wait_for(sync_all(client, cache, cfg()), timeout=10)
    assert counts["tickets"] == 6 and counts["calls"] == 6
    assert client.violations == []
    assert cache.cursor("tickets") == "6" and cache.cursor("calls") == "6"
    assert sorted(cache.frames.tickets["id"].to_list()) == [1, 2, 3, 4, 5, 6]
    # the two streams' batches interleave
    assert client.order.index("calls") < len(client.order) - client.order[::-1].index("tickets")


class FailingClient:
    """tickets: one batch, then waits forever (until cancelled); users: fails with AuthError
    once tickets has ingested its batch; every other stream: one empty done batch."""

    def __init__(self) -> None:
        self.ticket_batch_sent = asyncio.Event()
        self.tickets_cancelled = False
        self.error = AuthError("Zendesk rejected the OAuth token: run deskwatch check")

    async def fetch(self, stream: str, cursor: str | None = None) -> AsyncIterator[Batch]:
        if stream == "tickets":
            yield Batch("tickets", records("tickets", range(1, 3)), "2", False)
            self.ticket_batch_sent.set()
            try:
                await asyncio.Event().wait()  # a long first sync, still running
            except asyncio.CancelledError:
                self.tickets_cancelled = True
                raise
            yield Batch("tickets", records("tickets", range(3, 5)), "4", True)
        elif stream == "users":
            await self.ticket_batch_sent.wait()
            await asyncio.sleep(0)  # tickets' batch gets ingested meanwhile
            raise self.error
            yield  # pragma: no cover  (makes this an async generator)
        else:
            yield Batch(stream, [], None, True)


async def test_a_failing_stream_cancels_the_others_and_raises_its_own_typed_error() -> None:
    cache = Cache()
    client = FailingClient()
    with pytest.raises(AuthError) as caught:
        await asyncio.wait_for(sync_all(client, cache, cfg(**TALK_OFF)), timeout=10)
    # the very error object, not an ExceptionGroup around it
    assert caught.value is client.error and caught.type is AuthError
    assert client.tickets_cancelled  # the still-running stream was cancelled, not awaited
    # what tickets ingested before the cancel stays, with the cursor of that batch
    assert sorted(cache.frames.tickets["id"].to_list()) == [1, 2]
    assert cache.cursor("tickets") == "2"
    # no task left behind
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert [t.get_name() for t in others if t.get_name().startswith("sync-")] == []


async def test_users_snapshot_replaces_the_frame_and_drops_an_old_export_cursor() -> None:
    cache = Cache()
    cache.ingest("users", [user(1, "Old agent"), user(2, "Demoted")])
    cache.set_cursor("users", '{"after":"abc","start":0,"t":5}')  # from the incremental export

    class Users:
        async def fetch(self, stream: str, cursor: str | None = None) -> AsyncIterator[Batch]:
            assert cursor is None
            yield Batch("users", [user(1, "Renamed")], None, False)
            yield Batch("users", [user(3, "New agent")], None, True)

    assert await sync_stream(Users(), cache, "users") == 2
    frame = cache.frames.users.sort("id")
    assert frame["id"].to_list() == [1, 3]  # user 2 is no longer an agent: gone
    assert frame["name"].to_list() == ["Renamed", "New agent"]
    assert cache.cursor("users") is None
