"""Command line: ``deskwatch [run] | demo | sim | export | check``.

argparse (stdlib) over click: no extra dependency, subcommands and usage errors with exit 2
out of the box, and every subcommand lives in its own module under ``deskwatch/commands``
exposing ``add_parser(subparsers)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from deskwatch import __version__
from deskwatch.config import ConfigError
from deskwatch.config.text import clean
from deskwatch.errors import DeskwatchError

# Subcommand modules (deskwatch/commands/<name>.py), in the order --help lists them.
# Each exposes add_parser(subparsers, common) and sets its handler with set_defaults.
COMMAND_MODULES: tuple[str, ...] = (
    "run",
    "collect",
    "serve",
    "demo",
    "sim",
    "export",
    "check",
    "alerts",
)
DEFAULT_COMMAND = "run"  # `deskwatch [options]` means `deskwatch run [options]`


def _commands() -> list[ModuleType]:
    return [importlib.import_module(f"deskwatch.commands.{name}") for name in COMMAND_MODULES]


class Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line (exit 2) instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        say(f"{self.prog}: {message} (see: {self.prog} --help)")
        raise SystemExit(2)


def say(message: str) -> None:
    """One line on stderr, whatever ``message`` holds (line breaks, undecodable bytes)."""
    print(clean(message), file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="deskwatch",
        description="A live terminal dashboard for helpdesk supervisors on a Zendesk account.",
    )
    parser.add_argument("--version", action="version", version=f"deskwatch {__version__}")
    common = Parser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="config file (default: $DESKWATCH_CONFIG, else the user config dir)",
    )
    common.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="where the cache and cursors live (default: [state] dir)",
    )
    parser.set_defaults(handler=None)
    commands = _commands()
    if commands:
        sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        for module in commands:
            module.add_parser(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    names = COMMAND_MODULES
    if DEFAULT_COMMAND in names and not any(
        a in names or a in ("-h", "--help", "--version") for a in args_list
    ):
        args_list.insert(0, DEFAULT_COMMAND)
    args = parser.parse_args(args_list)
    if args.handler is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        say(f"deskwatch: config error: {exc}")
        return 2
    except DeskwatchError as exc:
        say(f"deskwatch: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: one line, the traceback only on request
        if os.environ.get("DESKWATCH_DEBUG"):
            raise
        say(
            f"deskwatch: unexpected error: {type(exc).__name__}: {exc} "
            "(set DESKWATCH_DEBUG=1 for the traceback)"
        )
        return 1
