"""Scale benchmark for the simulator (not part of ``make test``).

Generates an account of 1,000,000 tickets (with metric sets) and 500,000 calls, reports the
seconds and the peak RSS, then serves it and times a stretch of the ticket export over
loopback HTTP. Prints one JSON object.

    python -m deskwatch.bench.sim_scale [--tickets N] [--calls N] [--pages N]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import httpx

from deskwatch.sim import start_simulator
from deskwatch.sim.account import generate_account


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=500_000)
    parser.add_argument("--history-days", type=int, default=90)
    parser.add_argument("--pages", type=int, default=30, help="export pages to time (0: none)")
    args = parser.parse_args(argv)

    rss_before = peak_rss_mb()
    started = time.perf_counter()
    account = generate_account(
        seed=7, now=time.time(), history_days=args.history_days, tickets=args.tickets,
        calls=args.calls,
    )  # fmt: skip
    generate_s = time.perf_counter() - started
    result: dict[str, object] = {
        "tickets": account.n_tickets,
        "calls": len(account.calls),
        "legs": len(account.legs),
        "ratings": len(account.ratings),
        "users": len(account.people.users),
        "generate_seconds": round(generate_s, 2),
        "peak_rss_mb_after_generate": round(peak_rss_mb(), 1),
        "rss_mb_before": round(rss_before, 1),
        "column_bytes_mb": round(
            (account.tickets.nbytes() + account.calls.nbytes() + account.legs.nbytes()
             + account.ratings.nbytes() + account.people.users.nbytes()) / 1e6, 1
        ),
    }  # fmt: skip
    if args.pages:
        handle = start_simulator(account=account, live=False, incremental_limit=1_000_000)
        headers = {"Authorization": f"Bearer {handle.access_token}"}
        records = 0
        with httpx.Client(base_url=handle.url, headers=headers, timeout=60) as client:
            t0 = time.perf_counter()
            params: dict[str, str | int] = {"start_time": 0, "include": "metric_sets"}
            for _ in range(args.pages):
                body = client.get("/api/v2/incremental/tickets/cursor.json", params=params).json()
                records += len(body["tickets"])
                params = {"cursor": body["after_cursor"], "include": "metric_sets"}
                if body["end_of_stream"]:
                    break
            served = time.perf_counter() - t0
            t1 = time.perf_counter()
            calls, start = 0, 0
            for _ in range(args.pages):
                body = client.get(
                    "/api/v2/channels/voice/stats/incremental/calls",
                    params={"start_time": start},
                ).json()
                calls += body["count"]
                if body["count"] <= 1:
                    break
                start = body["end_time"]
            calls_s = time.perf_counter() - t1
        handle.stop()
        result.update(
            export_pages=args.pages,
            export_tickets=records,
            export_tickets_per_second=round(records / served),
            export_calls=calls,
            export_calls_per_second=round(calls / calls_s),
            peak_rss_mb=round(peak_rss_mb(), 1),
        )
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
