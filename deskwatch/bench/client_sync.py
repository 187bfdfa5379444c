"""Sync benchmark for the Zendesk client (not part of ``make test``).

Runs the simulator in a child process (so it does not share the GIL with the client) and does
a first sync of every stream with the real ``ZendeskClient``, reporting per stream the requests
used against the minimum ``ceil(records / page size)``, records per second, and 429s.

    python -m deskwatch.bench.client_sync fast   # 1,000,000 tickets, limits raised
    python -m deskwatch.bench.client_sync real   # 20,000 tickets at the real 10/min export limit

``fast`` raises the simulator's incremental-export limit and account limit (and the client's
export bucket) so the run is bounded by HTTP + JSON, not by the rate limit; ``real`` keeps
Zendesk's 10 exports/minute and compares the wall time with the rate-limit bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing as mp
import sys
import time
import tomllib
from typing import Any

from deskwatch.config import build_config
from deskwatch.stream_registry import STREAMS
from deskwatch.zendesk import ZendeskClient

PAGE_SIZE = {  # the most each endpoint returns per page
    "tickets": 1000,
    "users": 100,  # the role-filtered users list (agents and admins only)
    "calls": 1000,
    "legs": 1000,
    "groups": 100,
    "brands": 100,
    "ratings": 100,
    "agents_activity": 100,
    "queue": 1,
}
EXPORTS = ("tickets", "calls", "legs")  # count against the 10/min export limits
SUPPORT_EXPORTS = ("tickets",)  # 10/min
TALK_EXPORTS = ("calls", "legs")  # their own 10/min


def _serve(conn: Any, options: dict[str, Any]) -> None:
    from deskwatch.sim import start_simulator

    handle = start_simulator(**options)
    conn.send({"toml": handle.config_toml(), "counts": None})
    conn.recv()  # "counts?"
    conn.send(dict(handle.sim.limiter.counts))
    conn.recv()  # "stop"
    handle.stop()


async def sync_all(cfg_toml: str, *, export_limit: float) -> dict[str, Any]:
    cfg = build_config(tomllib.loads(cfg_toml), env={})
    report: dict[str, Any] = {}
    async with ZendeskClient(cfg, incremental_per_minute=export_limit) as client:
        for stream in STREAMS:
            before = client.status.requests
            limited_before = client.http.track.rate_limited
            records, ids = 0, set[Any]()
            started = time.perf_counter()
            async for batch in client.fetch(stream, None):
                records += len(batch.records)
                key = "agent_id" if stream == "agents_activity" else "id"
                ids.update(r.get(key) for r in batch.records)
            seconds = time.perf_counter() - started
            # the minimum is computed from the records served, not the records kept
            requests = client.status.requests - before
            served = client.http.track.served_by_stream.get(stream, 0)
            report[stream] = {
                "records": records,
                "served": served,
                "minimum_requests": minimum_requests(stream, served),
                "unique": len(ids),
                "requests": requests,
                "seconds": round(seconds, 2),
                "records_per_s": round(records / seconds) if seconds > 0 else None,
                "rate_limited_429": client.http.track.rate_limited - limited_before,
            }
        report["_status"] = {
            "retries": client.http.track.retries,
            "errors": client.status.errors,
            "skipped": client.status.skipped,
        }
    return report


def minimum_requests(stream: str, served: int) -> int:
    """ceil(records / page size), at least one request."""
    return max(1, math.ceil(served / PAGE_SIZE[stream]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("fast", "real"))
    parser.add_argument("--tickets", type=int)
    parser.add_argument("--calls", type=int)
    args = parser.parse_args(argv)
    fast = args.mode == "fast"
    tickets = args.tickets or (1_000_000 if fast else 20_000)
    options: dict[str, Any] = {
        "tickets": tickets,
        "speed": 0,
        "incremental_limit": 1_000_000 if fast else 10,
    }
    if args.calls is not None:
        options["calls"] = args.calls
    if fast:
        options["account_limit"] = 1_000_000
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, options), daemon=True)
    t0 = time.perf_counter()
    proc.start()
    hello = parent.recv()
    generated = time.perf_counter() - t0
    started = time.perf_counter()
    report = asyncio.run(sync_all(hello["toml"], export_limit=1_000_000 if fast else 10))
    wall = time.perf_counter() - started
    parent.send("counts?")
    counts = parent.recv()
    parent.send("stop")
    proc.join(timeout=30)

    total_records = sum(v["records"] for k, v in report.items() if not k.startswith("_"))
    export_requests = sum(report[s]["requests"] for s in EXPORTS)
    result = {
        "mode": args.mode,
        "tickets": tickets,
        "sim_start_seconds": round(generated, 1),
        "wall_seconds": round(wall, 1),
        "records": total_records,
        "records_per_s": round(total_records / wall),
        "streams": report,
        "server_counts": counts,
        "export_requests": export_requests,
    }
    if not fast:
        # 10 exports/min per family (Support, Talk): evenly spaced, n requests of one family
        # need (n - 1) * 6 s at the very least (this benchmark syncs the streams one by one)
        support = sum(report[s]["requests"] for s in SUPPORT_EXPORTS)
        talk = sum(report[s]["requests"] for s in TALK_EXPORTS)
        result["rate_limit_bound_seconds"] = (max(support, talk) - 1) * 6
        result["tickets_bound_seconds"] = (report["tickets"]["requests"] - 1) * 6
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
