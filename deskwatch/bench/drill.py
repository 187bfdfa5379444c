"""Drill-down benchmark: listing time at N tickets, and what keeping subjects costs.

``python -m deskwatch.bench.drill [--tickets N ...]`` prints JSON: per size, the time to list
the first 200 rows (what the app shows at once: ``first_rows_ms_p50``, target 100 ms) and the
whole list (``ms_p50``, filled in from a worker) of the records behind each kind of figure
(current state: open; today: created today; an hourly bar; a status bar and the largest one;
an agent's solved in the window; under a filter; the ratings behind CSAT; a Talk reason's
calls), p50 over runs, with the row count, from a warm-started cache as the app
has it (subjects are not in memory: each listing reads its tickets' subjects from the persisted
file); and the subject column's cost: the tickets parquet with and without it (cache MB) and
what it would take in memory (MB; ``resident`` false: it is not kept there). Generated data as
``deskwatch.bench`` (90 days, near-unique subjects).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

NOW_ISO = "2026-11-23T14:05:00+00:00"
#: the rows the app lists at once (deskwatch.screens.tickets.FIRST_ROWS; no Textual here)
FIRST_ROWS = 200


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _parquet_mb(frame: pl.DataFrame) -> float:
    buf = io.BytesIO()
    frame.write_parquet(buf)  # the store's own writer defaults
    return round(buf.tell() / 2**20, 1)


def measure(n: int, runs: int) -> dict[str, Any]:
    from datetime import datetime

    from deskwatch.bench import gen
    from deskwatch.store import Cache

    now = datetime.fromisoformat(NOW_ISO)
    rng = np.random.default_rng(1)
    cache = Cache()
    tickets = gen.tickets(n, now, rng)
    cache.replace_frame("tickets", tickets)
    cache.replace_frame("ratings", gen.ratings(tickets, now, rng))
    calls, legs = gen.calls_and_legs(n, now, rng)
    cache.replace_frame("calls", calls)
    cache.replace_frame("legs", legs)
    cache.replace_frame("users", gen.users(rng, end_users=1000))
    with tempfile.TemporaryDirectory(prefix="deskwatch-drill-") as tmp:
        cache.persist(Path(tmp))
        cache = Cache.load(Path(tmp))  # as the app has it: subjects on disk only
        return _measure(n, runs, cache, tickets, now)


def _measure(n: int, runs: int, cache: Any, tickets: pl.DataFrame, now: Any) -> dict[str, Any]:
    from deskwatch.config import build_config
    from deskwatch.kpis.catalogue import AGENT_DRILLS, CATALOGUE
    from deskwatch.kpis.drill import listing
    from deskwatch.kpis.filters import TicketFilter

    frames = cache.frames
    cfg = build_config({"account": {"timezone": "Europe/Berlin"}}, env={}, require_account=False)
    agent = int(tickets.get_column("assignee_id").drop_nulls()[0])
    cases: list[tuple[str, Any, int | str | None, TicketFilter | None]] = [
        ("open (current state)", CATALOGUE["tickets.status.open"].drill, None, None),
        ("created today", CATALOGUE["tickets.created.today"].drill, None, None),
        ("solved 10:00-11:00 (a bar)", CATALOGUE["ops.solved_per_hour_today"].drill, 10, None),
        ("status pending (a bar)", CATALOGUE["tickets.status"].drill, "pending", None),
        ("status closed (the largest bar)", CATALOGUE["tickets.status"].drill, "closed", None),
        ("an agent's solved (window)", AGENT_DRILLS["solved"], agent, None),
        (
            "open, group + channel filter",
            CATALOGUE["tickets.status.open"].drill,
            None,
            TicketFilter(groups=frozenset({1, 2}), channels=frozenset({"email"})),
        ),
        ("CSAT: the window's ratings", CATALOGUE["csat.score"].drill, None, None),
        (
            "abandoned calls today (a bar)",
            CATALOGUE["talk.unsuccessful.today"].drill,
            "abandoned",
            None,
        ),
    ]
    listings = []
    subjects = cache.subjects
    listing(frames, cfg, now, cases[0][1], subjects=subjects)  # first run: lazy imports
    for name, drill, arg, flt in cases:
        times, first, rows = [], [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            listing(frames, cfg, now, drill, arg, flt, subjects, limit=FIRST_ROWS)
            first.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rows = listing(frames, cfg, now, drill, arg, flt, subjects).height
            times.append(time.perf_counter() - t0)
        listings.append(
            {
                "figure": name,
                "rows": rows,
                "first_rows_ms_p50": _ms(statistics.median(first)),
                "ms_p50": _ms(statistics.median(times)),
            }
        )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    subject = tickets.get_column("subject")
    return {
        "tickets": n,
        "listing": listings,
        "subjects": {
            "tickets_parquet_mb_with": _parquet_mb(tickets),
            "tickets_parquet_mb_without": _parquet_mb(tickets.drop("subject")),
            "in_memory_mb": round(subject.estimated_size() / 2**20, 1),
            "peak_rss_mb": round(peak_kb / 1024, 1),
            "resident": "subject" in frames.tickets.columns,
            "mean_length": round(subject.str.len_chars().cast(pl.Float64).sum() / n, 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskwatch.bench.drill", description=__doc__)
    parser.add_argument("--tickets", type=int, nargs="+", default=[1_000_000], metavar="N")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    results = [measure(n, args.runs) for n in args.tickets]
    print(json.dumps({"results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
