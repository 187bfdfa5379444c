"""``deskwatch serve``: the dashboard in web browsers (wall screens), with textual-serve.

Every browser session runs its own ``deskwatch run --viewer``: it only shows what the account's
collector publishes and never polls, so a session costs the Zendesk API nothing. Beside the web
server runs a ``deskwatch collect`` child: the collector, or its standby when another one (e.g.
a systemd service) already collects. textual-serve has no authentication: binding anything but
a loopback address needs ``--allow-remote`` and prints a warning; put a reverse proxy with
authentication and TLS in front (README: "Wall screens in a browser").
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from deskwatch.config import load_config
from deskwatch.errors import DeskwatchError

LOCALHOST = "localhost"


class ServeUsageError(DeskwatchError):
    exit_code = 2


class ServeBindError(DeskwatchError):
    exit_code = 1


def bind_error(host: str, port: int, exc: OSError) -> ServeBindError:
    """One line for a server that cannot listen (the port taken, the host unknown)."""
    why = exc.strerror or str(exc)
    if "address already in use" in str(exc).lower():
        why = "address already in use"
    return ServeBindError(
        f"cannot serve on {host}:{port} ({why}); pick another --port, or a --host this machine has"
    )


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "serve",
        parents=[common],
        help="serve the dashboard to web browsers (every session a viewer, never a poller)",
        description="Serve the dashboard over HTTP for web browsers (wall screens). Each "
        "browser session is a viewer of the account's collector; a collector (or its standby) "
        "runs beside the server. No authentication: keep it on loopback behind a reverse "
        "proxy that authenticates and terminates TLS.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", default="8000", help="TCP port (default 8000)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (anyone who reaches it sees the dashboard)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the URL browsers use, when behind a reverse proxy (e.g. https://wall.example.com)",
    )
    parser.add_argument(
        "--wall", action="store_true", help="sessions start in wall mode (big figures, rotation)"
    )
    parser.set_defaults(handler=run)


def is_loopback(host: str) -> bool:
    if host.lower() == LOCALHOST:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_bind(host: str, port: str, allow_remote: bool) -> int:
    """The port as a number; refuses a non-loopback host without ``allow_remote``."""
    try:
        number = int(port)
    except ValueError:
        number = -1
    if not 1 <= number <= 65535:
        raise ServeUsageError(f"--port must be a TCP port from 1 to 65535, got {port!r}")
    if not is_loopback(host) and not allow_remote:
        raise ServeUsageError(
            f"--host {host} is not a loopback address: the dashboard would be open to anyone "
            "who reaches it (textual-serve has no authentication); add --allow-remote to do "
            "it anyway, or keep 127.0.0.1 behind a reverse proxy with auth and TLS"
        )
    return number


def deskwatch_command(args: argparse.Namespace, *words: str) -> list[str]:
    """``deskwatch WORDS`` with this process's --config and --state-dir."""
    command = [sys.executable, "-m", "deskwatch", *words]
    if args.config is not None:
        command += ["--config", str(Path(args.config).resolve())]
    if args.state_dir is not None:
        command += ["--state-dir", str(Path(args.state_dir).resolve())]
    return command


def run(args: argparse.Namespace) -> int:
    port = check_bind(args.host, args.port, args.allow_remote)
    cfg = load_config(args.config, state_dir=args.state_dir)  # a bad config stops us here
    for line in cfg.warnings:
        print(f"deskwatch: warning: {line}", file=sys.stderr)
    if not is_loopback(args.host):
        print(
            f"deskwatch serve: WARNING: serving on {args.host}:{port} without authentication; "
            "anyone who can reach it sees the dashboard",
            file=sys.stderr,
        )
    from textual_serve.server import Server

    session = deskwatch_command(args, "run", "--viewer", *(["--wall"] if args.wall else []))
    collector = subprocess.Popen(deskwatch_command(args, "collect"))
    try:
        server = Server(
            shlex.join(session),
            host=args.host,
            port=port,
            title="deskwatch",
            public_url=args.public_url,
        )
        try:
            server.serve()
        except OSError as exc:  # the port taken, the host unknown: one line, not a traceback
            raise bind_error(args.host, port, exc) from None
    finally:
        collector.terminate()
        try:
            collector.wait(timeout=20)
        except subprocess.TimeoutExpired:
            collector.kill()
    return 0
