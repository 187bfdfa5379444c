"""``deskwatch [run]``: the live dashboard on the configured Zendesk account."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deskwatch.config import Config, load_config


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "run",
        parents=[common],
        help="the live dashboard (the default command)",
        description="Open the live dashboard on the Zendesk account named in the config. "
        "Keys: ? lists them all; q quits.",
    )
    add_display_options(parser)
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
    return run_app(cfg, wall=args.wall)


def run_app(cfg: Config, *, wall: bool = False, client: Any = None) -> int:
    """Run the app on ``cfg`` until the user quits. Config problems raise before the screen
    is taken over, so they print as one line."""
    from deskwatch.app import DeskwatchApp
    from deskwatch.live.source import LiveSource

    source = LiveSource(cfg, cfg.state.dir, client=client)
    app = DeskwatchApp(cfg, source, wall=wall)
    app.run()
    opened = source.persisted_version is not None  # never write a cache that was not loaded
    if opened and source.cache.version != source.persisted_version:
        source.persist_now()  # the app stopped without its final write (e.g. killed loop)
    return int(app.return_code or 0)
