"""First-sync benchmark: today first, history behind, at Zendesk's real limits (not a test).

    python -m deskwatch.bench.first_sync [--tickets 1000000] [--calls 500000] [--backfill 180]

The simulator runs in a child process (its own GIL) with the real limits: 10 incremental exports
a minute per family (Support, Talk) and the Enterprise plan's 700 requests a minute, of which
deskwatch uses its default ``budget.share``. The real client and cache then do what the app
does on a first run:

1. **live**: every stream's first sync, concurrently; the exports and the ratings from today's
   local midnight. Reports the seconds until today's figures are complete (every stream but
   the backfills), and each stream's own time (``done_seconds``; ``ratings``: today's CSAT).
2. **backfill**: the history behind today, for ``--backfill`` seconds, then stopped; reports
   records a minute against the rate limit's bound (10 export pages of 1,000 a minute for
   tickets and for Talk; ratings: pages of 100 within the account budget deskwatch uses,
   shared with the live polls), and whether each backfill had finished.
3. **requests**: a smaller account (``--small`` tickets) synced to the end with the limits lifted,
   live and backfill: requests per stream against the minimum ``ceil(records / page size)``.

One JSON document on stdout.
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
from deskwatch.live.sync import histories_for, streams_for, sync_history, sync_stream
from deskwatch.store import Cache
from deskwatch.zendesk import ZendeskClient

PAGE = {"tickets": 1000, "calls": 1000, "legs": 1000, "users": 100, "groups": 100,
        "ratings": 100, "agents_activity": 100, "queue": 1, "brands": 100}  # fmt: skip
EXPORT_PAGES_PER_MINUTE = 10  # per family: Support (tickets), Talk (calls and legs together)


def _serve(conn: Any, options: dict[str, Any]) -> None:
    from deskwatch.sim import start_simulator

    handle = start_simulator(**options)
    conn.send(handle.config_toml())
    conn.recv()
    handle.stop()


def _start(options: dict[str, Any]) -> tuple[Any, Any, str, float]:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, options), daemon=True)
    t0 = time.perf_counter()
    proc.start()
    toml = parent.recv()
    return proc, parent, toml, time.perf_counter() - t0


def _stop(proc: Any, parent: Any) -> None:
    parent.send("stop")
    proc.join(timeout=60)


class Counter:
    def __init__(self) -> None:
        self.records: dict[str, int] = {}

    def __call__(self, job: str, batch: Any) -> None:
        self.records[job] = self.records.get(job, 0) + len(batch.records)


async def _timed(coro: Any, done_at: dict[str, float], name: str, t0: float) -> None:
    await coro
    done_at[name] = round(time.perf_counter() - t0, 1)


async def first_run(toml: str, backfill_seconds: float, export_limit: float) -> dict[str, Any]:
    cfg = build_config(tomllib.loads(toml), env={})
    cache, counter = Cache(), Counter()
    done_at: dict[str, float] = {}
    async with ZendeskClient(cfg, incremental_per_minute=export_limit) as client:
        t0 = time.perf_counter()
        live = {
            s: asyncio.create_task(_timed(sync_stream(client, cache, s, on_batch=counter),
                                          done_at, s, t0))
            for s in streams_for(cfg)
        }  # fmt: skip
        # today is live once every stream's today-first read is in
        await asyncio.gather(*live.values())
        today = max(done_at.values())
        live_requests = client.status.requests
        backfill_started = time.perf_counter()
        jobs = [
            asyncio.create_task(
                _timed(
                    sync_history(client, cache, job.removesuffix(".history"), on_batch=counter),
                    done_at,
                    job,
                    t0,
                )
            )
            for job in histories_for(cfg)
        ]
        await asyncio.wait(jobs, timeout=backfill_seconds)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        minutes = (time.perf_counter() - backfill_started) / 60
        requests = client.status.requests
        budget = client.governor.allowed_per_minute
    backfilled = {k: v for k, v in counter.records.items() if k.endswith(".history")}
    tickets_pace = backfilled.get("tickets.history", 0) / minutes
    talk_pace = (backfilled.get("calls.history", 0) + backfilled.get("legs.history", 0)) / minutes
    ratings_pace = backfilled.get("ratings.history", 0) / minutes
    bound = round(export_limit * 1000)
    ratings_bound = budget * PAGE["ratings"]
    return {
        "today_live_seconds": today,
        "ratings_today_seconds": done_at.get("ratings"),
        "done_seconds": done_at,
        "backfills_finished": sorted(j for j in done_at if j.endswith(".history")),
        "live_requests": live_requests,
        "live_records": {k: v for k, v in counter.records.items() if k not in backfilled},
        "backfill_minutes": round(minutes, 2),
        "backfill_records": backfilled,
        "backfill_tickets_per_minute": round(tickets_pace),
        "backfill_talk_records_per_minute": round(talk_pace),
        "backfill_bound_per_minute_per_family": bound,
        "backfill_tickets_share_of_bound": round(tickets_pace / bound, 2),
        "backfill_talk_share_of_bound": round(talk_pace / bound, 2),
        "backfill_ratings_per_minute": round(ratings_pace),
        "backfill_ratings_bound_per_minute": ratings_bound,
        "backfill_ratings_share_of_bound": round(ratings_pace / ratings_bound, 2),
        "requests": requests,
    }


async def requests_per_stream(toml: str) -> dict[str, Any]:
    """A full first sync (live + backfill) with the limits lifted: requests vs the minimum."""
    cfg = build_config(tomllib.loads(toml), env={})
    cache, report = Cache(), {}
    async with ZendeskClient(cfg, incremental_per_minute=1e6) as client:
        for stream in streams_for(cfg):
            before = client.status.requests
            served0 = client.http.track.served_by_stream.get(stream, 0)
            await sync_stream(client, cache, stream)
            if f"{stream}.history" in histories_for(cfg):
                await sync_history(client, cache, stream)
            served = client.http.track.served_by_stream.get(stream, 0) - served0
            report[stream] = {
                "records": cache.frames.get(stream).height,
                "served": served,
                "requests": client.status.requests - before,
                "minimum_requests": max(1, math.ceil(served / PAGE.get(stream, 100))),
            }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=500_000)
    parser.add_argument("--backfill", type=float, default=180.0, help="seconds of backfill")
    parser.add_argument("--small", type=int, default=20_000, help="tickets, requests check")
    parser.add_argument(
        "--exports-per-minute",
        type=int,
        default=EXPORT_PAGES_PER_MINUTE,
        help="incremental exports a minute per family (10: Zendesk's limit; 30: High Volume)",
    )
    args = parser.parse_args(argv)
    limit = args.exports_per_minute
    real = {"speed": 0, "plan": "enterprise", "incremental_limit": limit}
    proc, conn, toml, generated = _start({**real, "tickets": args.tickets, "calls": args.calls})
    try:
        big = asyncio.run(first_run(toml, args.backfill, export_limit=limit))
    finally:
        _stop(proc, conn)
    small_opts = {"speed": 0, "tickets": args.small, "incremental_limit": 1_000_000,
                  "account_limit": 1_000_000}  # fmt: skip
    proc, conn, toml, _ = _start(small_opts)
    try:
        small = asyncio.run(requests_per_stream(toml))
    finally:
        _stop(proc, conn)
    result = {
        "benchmark": "first_sync",
        "tickets": args.tickets,
        "calls": args.calls,
        "sim_start_seconds": round(generated, 1),
        "exports_per_minute": limit,
        "target_today_live_seconds": 90,
        **big,
        "small_account": {"tickets": args.small, "streams": small},
    }
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
