"""``deskwatch demo``: the real app against the simulator, started in-process on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from deskwatch.commands.run import add_display_options, run_app
from deskwatch.config import build_config
from deskwatch.errors import DeskwatchError

# Real pace: the history was generated at this account's rate, so today plays at the same
# rate and "vs yesterday" and "vs typical" compare like with like (at 20x, "Solved today 92
# ▲ 300% vs 23": today ran 20 times faster than the day it was compared with).
DEFAULT_SPEED = 1.0
# busy enough that created/solved move every few polls at real pace (a weekday afternoon
# brings a ticket about every 20 s), small enough for a first sync of about a minute
DEMO_TICKETS_PER_DAY = 1500
DEMO_POLL = {"live": 5, "incremental": 10, "reference": 300}
# four baseline weeks of the typical day (and today); the trend window fits inside it
DEMO_HISTORY_DAYS = 29
DEMO_WINDOW_DAYS = 28
# Zendesk's High Volume add-on allows 30 incremental exports a minute (10 without): the demo
# account has it, so the first sync is short; the client is told the same limit
# (budget.exports_per_minute).
DEMO_INCREMENTAL_LIMIT = 30


class DemoUsageError(DeskwatchError):
    exit_code = 2


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo",
        parents=[common],
        help="try deskwatch on a simulated live account (no Zendesk needed)",
        description="Start the Zendesk simulator on a free 127.0.0.1 port and open the real "
        "dashboard on it, with a temporary state dir (or --state-dir to keep the cache).",
    )
    parser.add_argument(
        "--speed",
        default=str(DEFAULT_SPEED),
        help=f"activity multiplier: 60 = an hour of tickets per minute (default {DEFAULT_SPEED:g})",
    )
    parser.add_argument("--seed", default="7", help="seed of the simulated account (default 7)")
    parser.add_argument(
        "--alert-unassigned",
        metavar="N",
        help="add an alert rule: unassigned tickets above N for a minute (try it: a toast, "
        "the tile and the status bar show it)",
    )
    add_display_options(parser)
    parser.set_defaults(handler=run)


def _parse(value: str, flag: str, *, integer: bool, high: float) -> Any:
    try:
        number: float = int(value) if integer else float(value)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise DemoUsageError(f"{flag} must be {kind}, got {value!r}") from None
    if not 0 <= number <= high:
        raise DemoUsageError(f"{flag} must be between 0 and {high:g}, got {value}")
    return number


def demo_config(handle: Any, state_dir: Path, alert_above: float | None = None) -> Any:
    """The simulator's [zendesk] block + demo cadences; the environment is ignored."""
    data = tomllib.loads(handle.config_toml())
    data["poll"] = dict(DEMO_POLL)
    data["sync"] = {"history_days": DEMO_HISTORY_DAYS}
    data["kpis"] = {"window_days": DEMO_WINDOW_DAYS}
    data["budget"] = {"exports_per_minute": DEMO_INCREMENTAL_LIMIT}
    if alert_above is not None:
        rule = {"kpi": "tickets.unassigned", "above": alert_above, "for_minutes": 1}
        data["alerts"] = {"rules": [{**rule, "name": "unassigned pile-up (demo)"}]}
    return build_config(data, env={}, state_dir=state_dir)


def _run(handle: Any, state_dir: Path, wall: bool, alert_above: float | None) -> int:
    return run_app(demo_config(handle, state_dir, alert_above), wall=wall)


def run(args: argparse.Namespace) -> int:
    speed = _parse(args.speed, "--speed", integer=False, high=100_000)
    seed = _parse(args.seed, "--seed", integer=True, high=2**32 - 1)
    alert_above = (
        None
        if args.alert_unassigned is None
        else _parse(args.alert_unassigned, "--alert-unassigned", integer=True, high=10**9)
    )
    from deskwatch.sim import start_simulator

    print("deskwatch demo: generating a simulated account…", file=sys.stderr, flush=True)
    handle = start_simulator(
        seed=seed,
        speed=speed,
        history_days=DEMO_HISTORY_DAYS,
        tickets=DEMO_TICKETS_PER_DAY * DEMO_HISTORY_DAYS,
        incremental_limit=DEMO_INCREMENTAL_LIMIT,
    )
    try:
        if args.state_dir is not None:
            return _run(handle, args.state_dir, args.wall, alert_above)
        with tempfile.TemporaryDirectory(prefix="deskwatch-demo-") as tmp:
            return _run(handle, Path(tmp), args.wall, alert_above)
    finally:
        handle.stop()
