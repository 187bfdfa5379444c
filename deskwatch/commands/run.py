"""``deskwatch [run]``: the live dashboard on the configured Zendesk account.

The first deskwatch of an account is its collector (it polls); every further one is a viewer
of what that collector publishes (see ``deskwatch.live.roles``), and takes over when it stops.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from deskwatch.config import Config, load_config


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "run",
        parents=[common],
        help="the live dashboard (the default command)",
        description="Open the live dashboard on the Zendesk account named in the config. "
        "The first deskwatch of an account polls it; the others show what it publishes. "
        "Keys: ? lists them all; q quits.",
    )
    add_display_options(parser)
    parser.add_argument(
        "--viewer",
        action="store_true",
        help="never poll: only show what the account's collector publishes",
    )
    parser.set_defaults(handler=run)


def add_display_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wall",
        action="store_true",
        help="start in wall mode: big figures, no chrome, dashboards rotate",
    )


def run(args: argparse.Namespace) -> int:
    cfg = load_config(args.config, state_dir=args.state_dir)
    for line in cfg.warnings:
        print(f"deskwatch: warning: {line}", file=sys.stderr)
    return run_app(cfg, wall=args.wall, collect=not args.viewer)


def run_app(
    cfg: Config,
    *,
    wall: bool = False,
    make_client: Callable[[], Any] | None = None,
    collect: bool = True,
) -> int:
    """Run the app on ``cfg`` until the user quits. Config problems raise before the screen
    is taken over, so they print as one line."""
    from deskwatch.app import DeskwatchApp
    from deskwatch.kpis.alerts import check_rules
    from deskwatch.live.roles import Node, make_broker
    from deskwatch.live.source import LiveSource

    check_rules(cfg)  # an unknown figure id is a config error before the screen is taken

    broker = make_broker(cfg)

    def make_source() -> LiveSource:
        client = make_client() if make_client is not None else None
        return LiveSource(cfg, cfg.state.dir, client=client)

    def feed(**callbacks: Any) -> Node:
        return Node(cfg, broker, make_source, collect=collect, **callbacks)

    app = DeskwatchApp(cfg, None, wall=wall, feed=feed)
    app.run()
    node: Any = app.poller
    source = node.source
    # never write a cache that was not loaded, nor one another collector has taken over
    opened = node.role == "collector" and source.persisted_version is not None
    if opened and source.cache.version != source.persisted_version:
        source.persist_now()  # the app stopped without its final write (e.g. killed loop)
    return int(app.return_code or 0)
