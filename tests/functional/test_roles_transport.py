"""What travels between a collector and its viewers, over a real nats-server and the shared
state dir: a snapshot too big for NATS's 1 MB as JSON goes through compressed; drill-down
listings page through request-reply until every row is there; a viewer on one host lists from
the collector's saved cache; a collector starts with the broker down and takes the lease when
it is back, or steps back when another collector renews it."""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from deskwatch.bench import kpi
from deskwatch.bench.nats_server import NatsServer, free_port, nats_binary
from deskwatch.bench.viewers import URL, _config
from deskwatch.kpis import compute_snapshot
from deskwatch.kpis.snapshot import AgentKpis
from deskwatch.live.broker import BrokerDown, LocalBroker
from deskwatch.live.nats_broker import NatsBroker
from deskwatch.live.roles import DrillUnavailable, Node
from deskwatch.live.source import drill_listing
from deskwatch.live.wire import PAGE_ROWS, decode_data, encode_data
from deskwatch.store import Cache
from tests.functional.snapshot_apps.ops_fixture import make_data

needs_nats = pytest.mark.skipif(nats_binary() is None, reason="no nats-server binary")


@pytest.fixture
def server(tmp_path: Path) -> Any:
    s = NatsServer(tmp_path / "nats")
    s.start()
    yield s
    s.stop()


def _agents(n: int) -> tuple[AgentKpis, ...]:
    return tuple(
        AgentKpis(
            i,
            f"Agent {i:05d} of the night shift",
            i % 97,
            12.5,
            301.25,
            i % 7,
            i % 3,
            0.9,
            0.5,
            i % 11,
            180.0,
        )
        for i in range(n)
    )


@needs_nats
async def test_a_snapshot_too_big_for_nats_as_json_goes_through_compressed(server: Any, tmp_path):
    data = make_data()
    assert data.snapshot is not None
    data = replace(data, snapshot=replace(data.snapshot, agents=_agents(12_000)))
    payload = encode_data(data, datetime.now(UTC))
    assert len(zlib.decompress(payload)) > 1 << 20  # as JSON it would not fit a NATS message
    a = NatsBroker(server.url, tmp_path / "a", URL, ttl=3.0)
    b = NatsBroker(server.url, tmp_path / "b", URL, ttl=3.0)
    try:
        await a.publish("data", payload)
        got = await asyncio.wait_for(anext(aiter(b.watch())), 10)
        back, _ = decode_data(got[1], data.cfg)
        assert back.snapshot is not None and len(back.snapshot.agents) == 12_000
        assert back == data
    finally:
        await a.aclose()
        await b.aclose()


class _Listing:
    """A collector's source that lists ``rows`` for any figure (and says what it was asked)."""

    def __init__(self, rows: pl.DataFrame) -> None:
        self.rows = rows
        self.asked: list[tuple[Any, Any, datetime]] = []

    def drill(self, drill: Any, arg: Any, now: datetime) -> pl.DataFrame:
        self.asked.append((drill, arg, now))
        return self.rows


def _node(broker: Any, cfg: Any, **kw: Any) -> Node:
    return Node(cfg, broker, lambda: None, on_data=lambda d: None, **kw)


@needs_nats
async def test_drill_over_nats_pages_through_every_row(server: Any, tmp_path: Path):
    cfg = _config(tmp_path)
    n = 2 * PAGE_ROWS + 123
    rows = pl.DataFrame(
        {
            "id": range(n),
            "subject": [f"printer on floor {i} is on fire again " * 8 for i in range(n)],
        }
    )
    assert rows.estimated_size() > 1 << 20  # more than one NATS message
    c_broker = NatsBroker(server.url, tmp_path / "c", URL, ttl=3.0)
    v_broker = NatsBroker(server.url, tmp_path / "v", URL, ttl=3.0)
    collector, viewer = _node(c_broker, cfg), _node(v_broker, cfg, collect=False)
    try:
        with pytest.raises(DrillUnavailable, match="no collector answers"):
            await viewer.drill("tickets.unsolved", None, kpi.NOW)
        source = _Listing(rows)
        collector.source, collector.poller = source, object()  # type: ignore[assignment]
        await c_broker.lead()
        await c_broker.answer(collector._answer)
        got = await viewer.drill("tickets.unsolved", None, kpi.NOW)
        assert got.rows.equals(rows) and got.note == ""
        assert len(source.asked) == 1  # one listing, served page by page
        assert source.asked[0][2] == kpi.NOW  # listed for the moment the figure was computed
        # a drill object (an agent's open tickets) travels as plain data
        from deskwatch.kpis.catalogue import AGENT_OPEN

        await viewer.drill(AGENT_OPEN, 7, kpi.NOW)
        assert source.asked[-1][:2] == (AGENT_OPEN, 7)
        collector.poller = None  # not the collector any more: it says so, no rows
        with pytest.raises(DrillUnavailable, match="not the collector"):
            await viewer.drill("tickets.unsolved", None, kpi.NOW)
    finally:
        await c_broker.aclose()
        await v_broker.aclose()


async def test_a_viewer_on_this_host_lists_from_the_saved_cache(tmp_path: Path):
    kpi.generate(3000, tmp_path)
    cfg = _config(tmp_path)
    cache = Cache.load(tmp_path)
    frames = cache.frames
    snap = compute_snapshot(frames, cfg, kpi.NOW)
    viewer = _node(LocalBroker(tmp_path, URL), cfg, collect=False)
    got = await viewer.drill("tickets.unsolved", None, kpi.NOW)
    assert got.rows.height == snap.tickets.unsolved > 0  # the figure, row for row
    assert got.rows.equals(
        drill_listing(cfg, frames, viewer_drill("tickets.unsolved"), None, kpi.NOW, cache.subjects)
    )
    assert got.rows.get_column("subject").null_count() == 0  # read from the saved file
    assert got.note == ""  # saved after the figure was computed
    later = await viewer.drill("tickets.unsolved", None, datetime.now(UTC) + timedelta(minutes=1))
    assert later.note.startswith("from the cache saved at")  # the figure is newer: said
    empty = _node(LocalBroker(tmp_path / "nothing", URL), _config(tmp_path / "nothing"))
    empty.collect = False
    with pytest.raises(DrillUnavailable, match="no saved cache"):
        await empty.drill("tickets.unsolved", None, kpi.NOW)


def viewer_drill(kpi_id: str) -> Any:
    from deskwatch.kpis.catalogue import CATALOGUE

    return CATALOGUE[kpi_id].drill


@needs_nats
async def test_a_collector_starts_with_the_broker_down_and_leads_when_it_is_back(tmp_path: Path):
    server = NatsServer(tmp_path / "nats")
    server.port = free_port()
    server.url = f"nats://127.0.0.1:{server.port}"
    a = NatsBroker(server.url, tmp_path / "a", URL, ttl=0.6)
    b = NatsBroker(server.url, tmp_path / "b", URL, ttl=0.6)
    try:
        with pytest.raises(BrokerDown):
            await a.lead()  # nobody known to collect yet: wait the ttl
        await asyncio.sleep(0.7)
        assert await a.lead() and not a.reachable  # collects offline (polls, persists)
        with pytest.raises(BrokerDown):
            await a.publish("data", b"{}")  # the publisher keeps it and tries again
        server.start()
        await asyncio.sleep(1.2)  # the client's next try
        assert await a.lead()  # back: the lease was free, it is this one's now
        await a.publish("data", b"{}")
        assert not await b.lead()  # another host sees it held...
        await a.lead()  # ...and renewed
        await asyncio.sleep(0.3)
        assert not await b.lead()
    finally:
        await a.aclose()
        await b.aclose()
        server.stop()


@needs_nats
async def test_an_offline_collector_steps_back_for_a_live_one(tmp_path: Path):
    server = NatsServer(tmp_path / "nats")
    a = NatsBroker(server.url, tmp_path / "a", URL, ttl=0.6)
    b = NatsBroker(server.url, tmp_path / "b", URL, ttl=0.6)
    try:
        with pytest.raises(BrokerDown):
            await a.lead()
        await asyncio.sleep(0.7)
        assert await a.lead()  # offline collector
        server.start()
        assert await b.lead()  # another host's collector, on the broker
        await asyncio.sleep(1.2)
        assert await a.lead()  # first sight of b's lease: keeps polling meanwhile
        await b.lead()  # b renews
        assert not await a.lead()  # a sees the lease move: steps back to viewer
        await b.lead()
        assert not await a.lead()
    finally:
        await a.aclose()
        await b.aclose()
        server.stop()
