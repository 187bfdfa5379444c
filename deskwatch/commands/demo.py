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

# 20 minutes of activity per real minute: tiles still change every few polls, while today's
# counts stay comparable with yesterday's (at 120x the "vs yesterday" deltas read +400%).
DEFAULT_SPEED = 20.0
DEMO_POLL = {"live": 5, "incremental": 10, "reference": 300}
DEMO_HISTORY_DAYS = 35  # the 30-day window plus a margin; a first sync of about half a minute
# Zendesk's High Volume add-on allows 30 incremental exports a minute (10 without): the demo
# account has it, so the first sync is short; the client is told the same limit.
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


def demo_config(handle: Any, state_dir: Path) -> Any:
    """The simulator's [zendesk] block + demo cadences; the environment is ignored."""
    data = tomllib.loads(handle.config_toml())
    data["poll"] = dict(DEMO_POLL)
    data["sync"] = {"history_days": DEMO_HISTORY_DAYS}
    return build_config(data, env={}, state_dir=state_dir)


def _run(handle: Any, state_dir: Path, wall: bool) -> int:
    from deskwatch.zendesk import ZendeskClient

    cfg = demo_config(handle, state_dir)
    return run_app(
        cfg,
        wall=wall,
        make_client=lambda: ZendeskClient(cfg, incremental_per_minute=DEMO_INCREMENTAL_LIMIT),
    )


def run(args: argparse.Namespace) -> int:
    speed = _parse(args.speed, "--speed", integer=False, high=100_000)
    seed = _parse(args.seed, "--seed", integer=True, high=2**32 - 1)
    from deskwatch.sim import start_simulator

    print("deskwatch demo: generating a simulated account…", file=sys.stderr, flush=True)
    handle = start_simulator(
        seed=seed,
        speed=speed,
        history_days=DEMO_HISTORY_DAYS,
        incremental_limit=DEMO_INCREMENTAL_LIMIT,
    )
    try:
        if args.state_dir is not None:
            return _run(handle, args.state_dir, args.wall)
        with tempfile.TemporaryDirectory(prefix="deskwatch-demo-") as tmp:
            return _run(handle, Path(tmp), args.wall)
    finally:
        handle.stop()
