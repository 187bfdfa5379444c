"""``deskwatch collect``: a headless collector for the account (e.g. under systemd).

It polls, evaluates the alert rules (and posts their webhooks) and publishes while it holds the
account's collector lease; while another process
holds it, it waits as a standby and takes over when that one stops. SIGTERM or Ctrl-C stop it
after the cache is saved.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from deskwatch.config import load_config
from deskwatch.live.pollstate import PollStatus


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "collect",
        parents=[common],
        help="poll the account headless and publish for viewers (for systemd)",
        description="Poll the Zendesk account without a screen and publish each snapshot for "
        "the account's viewers (deskwatch run, deskwatch serve). With another collector "
        "running, wait as its standby. Stops cleanly on SIGTERM or Ctrl-C.",
    )
    parser.set_defaults(handler=run)


def _say(line: str) -> None:
    print(f"deskwatch collect: {line}", file=sys.stderr, flush=True)


class _Reporter:
    """One stderr line per change of role or collector (not one per status update)."""

    def __init__(self) -> None:
        self.last: tuple[str, str | None] | None = None

    def status(self, status: PollStatus) -> None:
        role = status.role
        if role is None:
            return
        now = (role.role, role.collector)
        if now == self.last:
            return
        self.last = now
        if role.role == "collector":
            _say(f"collecting ({role.collector}), publishing via {role.via}")
        elif role.collector:
            _say(f"standby: {role.collector} is collecting; taking over when it stops")
        else:
            _say("standby: waiting for the collector lease")


async def collect(cfg: Any, *, make_client: Any = None) -> None:
    from deskwatch.live.roles import Node, make_broker
    from deskwatch.live.source import LiveSource

    reporter = _Reporter()

    def make_source() -> LiveSource:
        return LiveSource(cfg, cfg.state.dir, client=make_client() if make_client else None)

    node = Node(
        cfg,
        make_broker(cfg),
        make_source,
        on_data=lambda d: None,
        on_status=reporter.status,
        on_notice=lambda severity, line: _say(f"{severity}: {line}"),
    )
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        if task is not None:
            loop.add_signal_handler(sig, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await node.run()
    _say("stopped")


def run(args: argparse.Namespace) -> int:
    from deskwatch.kpis.alerts import check_rules

    cfg = load_config(args.config, state_dir=args.state_dir)
    check_rules(cfg)  # the collector evaluates the alert rules and posts their webhooks
    for line in cfg.warnings:
        _say(f"warning: {line}")
    asyncio.run(collect(cfg))
    return 0
