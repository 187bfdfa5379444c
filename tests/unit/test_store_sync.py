"""sync_stream / sync_all against a fake client speaking the agreed fetch/Batch interface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from deskwatch.live.sync import sync_all, sync_stream
from deskwatch.store import Cache
from deskwatch.zendesk import Batch
from tests.unit.kpi_records import cfg, ticket

T0 = datetime(2026, 5, 1, tzinfo=UTC)


class FakeClient:
    def __init__(self, pages: dict[str, list[Batch]], fail_after: int | None = None) -> None:
        self.pages = pages
        self.fail_after = fail_after
        self.calls: list[tuple[str, str | None]] = []
        self.cache: Cache | None = None
        self.cursor_seen_at_yield: list[str | None] = []

    async def fetch(self, stream: str, cursor: str | None = None) -> AsyncIterator[Batch]:
        self.calls.append((stream, cursor))
        for n, batch in enumerate(self.pages.get(stream, [Batch(stream, [], None, True)])):
            if self.fail_after is not None and n >= self.fail_after:
                raise RuntimeError("connection lost")
            if self.cache is not None:
                self.cursor_seen_at_yield.append(self.cache.cursor(stream))
            yield batch


def tickets_pages() -> list[Batch]:
    return [
        Batch("tickets", [ticket(1, T0), ticket(2, T0)], "c1", False),
        Batch("tickets", [ticket(3, T0)], "c2", False),
        Batch("tickets", [], "c3", True),
    ]


async def test_cursor_moves_only_after_each_batch_is_ingested() -> None:
    cache = Cache()
    client = FakeClient({"tickets": tickets_pages()})
    client.cache = cache
    assert await sync_stream(client, cache, "tickets") == 3
    assert cache.cursor("tickets") == "c3"
    assert client.cursor_seen_at_yield == [None, "c1", "c2"]
    await sync_stream(client, cache, "tickets")
    assert client.calls[-1] == ("tickets", "c3")  # resumes from the cache's cursor


async def test_failure_keeps_data_and_cursor_of_completed_batches() -> None:
    cache = Cache()
    client = FakeClient({"tickets": tickets_pages()}, fail_after=1)
    with pytest.raises(RuntimeError):
        await sync_stream(client, cache, "tickets")
    assert cache.cursor("tickets") == "c1"
    assert sorted(cache.frames.tickets["id"].to_list()) == [1, 2]


async def test_snapshot_stream_replaced_only_when_complete() -> None:
    cache = Cache()
    cache.replace_records("groups", [{"id": 9, "name": "old"}])
    pages = {
        "groups": [
            Batch("groups", [{"id": 1, "name": "A"}], None, False),
            Batch("groups", [{"id": 2, "name": "B"}], None, True),
        ]
    }
    with pytest.raises(RuntimeError):
        await sync_stream(FakeClient(pages, fail_after=1), cache, "groups")
    assert cache.frames.groups["name"].to_list() == ["old"]
    assert await sync_stream(FakeClient(pages), cache, "groups") == 2
    assert sorted(cache.frames.groups["name"].to_list()) == ["A", "B"]


async def test_sync_all_skips_talk_when_disabled() -> None:
    client = FakeClient({"tickets": tickets_pages()})
    counts = await sync_all(client, Cache(), cfg(talk={"enabled": False}))
    assert set(counts) == {"users", "groups", "brands", "tickets", "ratings"}
    assert counts["tickets"] == 3
    seen: list[str] = []
    await sync_all(FakeClient({}), Cache(), cfg(), on_progress=lambda s, b: seen.append(s))
    assert set(seen) == {
        "users",
        "groups",
        "brands",
        "tickets",
        "ratings",
        "calls",
        "legs",
        "queue",
        "agents_activity",
    }
