"""``python -m deskwatch.bench.edge``: what the edge checks on records cost, JSON on stdout.

Every record the client receives goes through :func:`deskwatch.zendesk.parse.screen` (types,
ranges, encodings) before the cache sees it. This renders the simulator's records exactly as the
API serves them (tickets with their metric sets, calls, legs), decodes them as a page would be,
then times, per record: the edge checks, the JSON decoding of the page, and the cache's ingest
(frame building and upsert), so the checks' share of the work is plain. Best of ``--runs``.

    python -m deskwatch.bench.edge --records 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from deskwatch.store import Cache
from deskwatch.zendesk.parse import screen


def render(records: int, seed: int) -> tuple[dict[str, list[dict[str, Any]]], float]:
    """The simulator's tickets, calls and legs as served (ticket export with metric sets)."""
    from deskwatch.sim import records as render_records
    from deskwatch.sim.account import generate_account

    now = time.time()
    account = generate_account(seed=seed, now=now, history_days=30, tickets=records, calls=records)
    rows = [int(r) for r in account.latest if r >= 0][:records]
    base = "https://bench.zendesk.com"
    out = {
        "tickets": render_records.tickets(account, base, rows, metrics=True),
        "calls": [render_records.call(account, i) for i in range(min(records, len(account.calls)))],
        "legs": [render_records.leg(account, i) for i in range(min(records, len(account.legs)))],
    }
    return out, now


def best(runs: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(stream: str, rows: list[dict[str, Any]], now: float, runs: int) -> dict[str, Any]:
    page = json.dumps({stream: rows}).encode()
    n = len(rows)

    def decode() -> list[dict[str, Any]]:
        return list(json.loads(page)[stream])

    def check() -> None:
        # screen nulls bad values in place: every run checks a fresh decode, timed apart
        out = screen(stream, fresh.pop(), now)
        assert out.skipped.total() == 0, out.skipped

    fresh = [decode() for _ in range(runs)]
    check_s = best(runs, check)
    decode_s = best(runs, decode)
    kept = decode()

    def ingest() -> None:
        Cache().ingest(stream, kept)

    ingest_s = best(runs, ingest)
    per = 1e6 / n
    return {
        "records": n,
        "check_us_per_record": round(check_s * per, 2),
        "json_decode_us_per_record": round(decode_s * per, 2),
        "ingest_us_per_record": round(ingest_s * per, 2),
        "check_share_of_decode_check_ingest": round(check_s / (check_s + decode_s + ingest_s), 3),
        "page_bytes_per_record": round(len(page) / n),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskwatch.bench.edge", description=__doc__)
    parser.add_argument("--records", type=int, default=20_000, help="records per stream")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.records < 1 or args.runs < 1:
        parser.error("--records and --runs must be at least 1")
    data, now = render(args.records, args.seed)
    result = {
        "bench": "edge",
        "runs": args.runs,
        **{stream: measure(stream, rows, now, args.runs) for stream, rows in data.items()},
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
