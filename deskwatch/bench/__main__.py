"""``python -m deskwatch.bench [--tickets N ...] [--runs R]``: KPI benchmark, JSON on stdout.

Prints ``{"results": [{"tickets", "full_compute_ms_p50", "full_compute_ms_p95",
"incremental_ms_p50", "warm_start_ms", "cache_mb", "peak_rss_mb", "persist_ms",
"peak_rss_with_persist_mb"}, ...]}`` (the last two: one persist after the rest, as the app
does after a poll). Default sizes:
100k, 1M and 3M tickets (90 days of history, ~25% of solved tickets rated, 0.5 calls per
ticket with one agent leg each, 200 agents, zone Europe/Berlin).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from deskwatch.bench import kpi


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskwatch.bench", description=__doc__)
    parser.add_argument(
        "--tickets", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000], metavar="N"
    )
    parser.add_argument("--runs", type=int, default=15, help="timed runs per figure")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--state-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        kpi.generate(args.generate, args.state_dir)
        return 0
    if args.measure:
        print(json.dumps(kpi.measure(args.measure, args.state_dir, args.runs)))
        return 0
    print(json.dumps(kpi.run(args.tickets, args.runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
