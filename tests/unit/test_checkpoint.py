"""Checkpoints during a long sync: written when due, one at a time, never ahead of the data."""

from __future__ import annotations

import asyncio
from pathlib import Path

from deskwatch.live import checkpoint
from deskwatch.live.checkpoint import Checkpoints
from deskwatch.store import Cache
from tests.unit.test_store_persist import filled


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_checkpoint_is_written_when_due_and_only_then(tmp_path: Path) -> None:
    cache, clock = filled(), Clock()
    points = Checkpoints(cache, tmp_path, clock=clock)
    points()  # too soon after the start
    await points.close()
    assert points.written == 0 and not (tmp_path / "manifest.json").exists()
    clock.now = checkpoint.MIN_GAP
    points()
    points()  # one write at a time
    await points.close()
    assert points.written == 1
    assert Cache.load(tmp_path).cursors == {"tickets": "cursor-5", "calls": "1700000000"}
    clock.now += checkpoint.MIN_GAP / 2
    points()
    await points.close()
    assert points.written == 1


async def test_slow_writes_are_spaced_to_a_tenth_of_the_time(
    tmp_path: Path, monkeypatch: object
) -> None:
    cache, clock = filled(), Clock()
    points = Checkpoints(cache, tmp_path, clock=clock)

    def slow_persist(state_dir: Path) -> None:
        clock.now += 5.0  # a write that takes 5 s

    cache.persist = slow_persist  # type: ignore[method-assign]
    clock.now = checkpoint.MIN_GAP
    points()
    await points.close()
    clock.now += 49.0
    points()
    await points.close()
    assert points.written == 1  # next one due 50 s after the last ended
    clock.now += 1.0
    points()
    await points.close()
    assert points.written == 2


async def test_a_failed_checkpoint_does_not_stop_the_sync(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    clock = Clock()
    points = Checkpoints(filled(), blocker / "state", clock=clock)
    clock.now = checkpoint.MIN_GAP
    points()
    await points.close()
    assert points.written == 0 and isinstance(points.failed, OSError)
    await asyncio.sleep(0)


async def test_the_app_checkpoints_a_long_first_sync(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from deskwatch.live.source import LiveSource
    from tests.unit.test_zendesk_fake import FakeClock, FakeZendesk, make_client, make_config
    from tests.unit.test_zendesk_streams import tickets

    monkeypatch.setattr(checkpoint, "MIN_GAP", 0.0)
    fake = FakeZendesk(tickets=tickets(10), page=2)
    cfg = make_config()
    source = LiveSource(cfg, tmp_path, client=make_client(fake, FakeClock(), cfg))
    async with source:
        await source.sync("tickets", lambda progress: None)  # today: one short page
        await source.sync("tickets.history", lambda progress: None)  # the long part
        assert source.checkpoints is not None
        await source.checkpoints.close()
        assert source.checkpoints.written >= 1  # before any persist by the poller
    kept = Cache.load(tmp_path)
    assert kept.cursor("tickets") is not None and kept.frames.tickets.height >= 2
