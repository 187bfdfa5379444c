"""The soak's bookkeeping: RSS slope, sliding request window, overlap probe."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from deskwatch.bench.soak_probe import (
    CountingTransport,
    Probe,
    RateWindow,
    growth_mb_per_hour,
    rss_mb,
    slope_per_hour,
)


def test_slope_of_a_straight_line_in_mb_per_hour() -> None:
    # 1 MB every 60 s is 60 MB per hour
    assert slope_per_hour([(0, 100.0), (60, 101.0), (120, 102.0)]) == pytest.approx(60.0)


def test_slope_least_squares_and_degenerate_cases() -> None:
    # points (0,0) (1,2) (2,1): mean t 1, mean v 1; sxy = (-1)(-1)+0+(1)(0) = 1, sxx = 2 -> 0.5/s
    assert slope_per_hour([(0, 0.0), (1, 2.0), (2, 1.0)]) == pytest.approx(0.5 * 3600)
    assert slope_per_hour([]) == 0.0
    assert slope_per_hour([(5, 1.0)]) == 0.0
    assert slope_per_hour([(5, 1.0), (5, 9.0)]) == 0.0


def test_growth_uses_only_the_second_half() -> None:
    # first half climbs steeply (first sync), second half is flat: no growth
    samples = [{"t": t, "rss_mb": v} for t, v in [(0, 50), (15, 150), (30, 200), (45, 200)]]
    assert growth_mb_per_hour(samples) == 0.0
    samples.append({"t": 60, "rss_mb": 203})  # second half: (30,200) (45,200) (60,203)
    assert growth_mb_per_hour(samples) == pytest.approx(3 / 30 * 3600)


def test_rate_window_slides_and_flags_overshoot() -> None:
    now = [0.0]
    rate = RateWindow(clock=lambda: now[0])
    for t in (0, 10, 20, 30):
        now[0] = t
        rate.record(allowed=3)
    assert (rate.total, rate.max, rate.overshoots) == (4, 4, 1)
    assert rate.worst_over == (4, 3)
    now[0] = 70.0  # t=0 and t=10 have left the window (70-60 = 10, exclusive)
    rate.record(allowed=3)
    assert (rate.total, rate.max, rate.overshoots) == (5, 4, 1)


class _SlowSource:
    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def sync(self, stream: str, on_progress: Any) -> int:
        await self.release.wait()
        if stream == "bad":
            raise RuntimeError("boom")
        return 1


async def test_probe_counts_polls_failures_and_overlaps() -> None:
    fake = _SlowSource()
    probe = Probe(fake)  # type: ignore[arg-type]
    tasks = [asyncio.create_task(probe.sync(s, lambda p: None)) for s in ("a", "a", "bad")]
    await asyncio.sleep(0)
    fake.release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[:2] == [1, 1] and isinstance(results[2], RuntimeError)
    assert probe.overlaps == 1
    assert dict(probe.polls) == {"a": 2, "bad": 1}
    assert dict(probe.failures) == {"bad": 1}
    assert probe.running == set()


def test_rss_is_read_from_proc() -> None:
    assert 1.0 < rss_mb() < 100_000


async def test_counting_transport_counts_statuses_and_transport_errors() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/reset":
            raise httpx.ReadError("connection reset")
        return httpx.Response(503 if request.url.path == "/busy" else 200, json={})

    transport = CountingTransport()
    transport.inner = httpx.MockTransport(answer)  # type: ignore[assignment]
    transport.allowed = lambda: 2
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9") as client:
        for path in ("/ok", "/busy", "/ok"):
            await client.get(path)
        with pytest.raises(httpx.ReadError):
            await client.get("/reset")
    assert dict(transport.statuses) == {"200": 2, "503": 1, "ReadError": 1}
    assert (transport.rate.total, transport.rate.max, transport.rate.overshoots) == (4, 4, 2)
