"""``deskwatch sim``: serve a simulated, live Zendesk account on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from deskwatch.errors import DeskwatchError

PLANS = ("team", "growth", "professional", "enterprise", "high_volume")
FAULT_PROFILES = ("none", "light", "heavy")


class SimUsageError(DeskwatchError):
    exit_code = 2


class SimStartError(DeskwatchError):
    exit_code = 1


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sim",
        parents=[common],
        help="serve a simulated live Zendesk account on 127.0.0.1 (for trying deskwatch)",
        description="Generate a seeded Zendesk account and serve it over the real Zendesk API "
        "on 127.0.0.1, changing live, until Ctrl-C. Prints the [zendesk] config block to use.",
    )
    parser.add_argument("--port", default="8765", help="TCP port on 127.0.0.1 (default 8765)")
    parser.add_argument("--seed", default="7", help="seed of the generated account (default 7)")
    parser.add_argument(
        "--speed", default="60", help="activity multiplier: 60 = an hour per minute (default 60)"
    )
    parser.add_argument("--history-days", default="90", help="days of history (default 90)")
    parser.add_argument("--plan", default="enterprise", help=f"rate-limit plan: {', '.join(PLANS)}")
    parser.add_argument(
        "--faults", default="none", help=f"fault profile: {', '.join(FAULT_PROFILES)}"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one fault setting on top of --faults, repeatable: error_rate=0.1, latency=0.5, "
        "timeout_rate, hang_seconds, reset_rate, malformed_rate, truncated_rate, storm_rate, "
        "retry_after_form=date, revoke_after=SECONDS, talk_enabled=false",
    )
    parser.add_argument("--token", help="the OAuth access token to accept (default: random)")
    parser.add_argument("--tickets", help="tickets in the history (default 400 per day)")
    parser.add_argument("--calls", help="Talk calls in the history (default tickets / 3)")
    parser.add_argument("--timezone", default="UTC", help="account time zone (default UTC)")
    parser.add_argument(
        "--page-size",
        action="append",
        default=[],
        metavar="STREAM=N",
        help="the most records a page holds, repeatable: calls=100, legs=7; streams: "
        "tickets, users, groups, ratings, calls, legs, agents_activity (default: the "
        "endpoint's maximum, 1000 for exports, 100 for lists)",
    )
    parser.set_defaults(handler=run)


def _number(value: str, flag: str, *, low: float, high: float, integer: bool) -> Any:
    try:
        number: float = int(value) if integer else float(value)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise SimUsageError(f"{flag} must be {kind}, got {value!r}") from None
    if not low <= number <= high:
        raise SimUsageError(f"{flag} must be between {low:g} and {high:g}, got {value}")
    return number


def options(args: argparse.Namespace) -> dict[str, Any]:
    """Validated ``start_simulator`` keyword arguments (raises a one-line SimUsageError)."""
    if args.plan not in PLANS:
        raise SimUsageError(f"--plan must be one of {', '.join(PLANS)}, got {args.plan!r}")
    if args.faults not in FAULT_PROFILES:
        raise SimUsageError(
            f"--faults must be one of {', '.join(FAULT_PROFILES)}, got {args.faults!r}"
        )
    if args.token is not None and (not args.token.strip() or any(c.isspace() for c in args.token)):
        raise SimUsageError("--token must be a non-empty string without spaces")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SimUsageError(f"--timezone: unknown time zone {args.timezone!r}") from None
    opts: dict[str, Any] = {
        "port": _number(args.port, "--port", low=0, high=65535, integer=True),
        "seed": _number(args.seed, "--seed", low=0, high=2**32 - 1, integer=True),
        "speed": _number(args.speed, "--speed", low=0, high=100_000, integer=False),
        "history_days": _number(
            args.history_days, "--history-days", low=1, high=3650, integer=True
        ),
        "plan": args.plan,
        "faults": fault_settings(args.fault, args.faults),
        "token": args.token,
        "tz": args.timezone,
    }
    if args.tickets is not None:
        opts["tickets"] = _number(args.tickets, "--tickets", low=0, high=20_000_000, integer=True)
    if args.calls is not None:
        opts["calls"] = _number(args.calls, "--calls", low=0, high=20_000_000, integer=True)
    if args.page_size:
        opts["page_sizes"] = page_sizes(args.page_size)
    return opts


def page_sizes(items: list[str]) -> dict[str, int]:
    """``--page-size STREAM=N`` items as ``{stream: N}`` (one-line SimUsageError if bad)."""
    from deskwatch.sim.state import PAGED_STREAMS

    sizes: dict[str, int] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or name not in PAGED_STREAMS:
            raise SimUsageError(
                f"--page-size expects STREAM=N with STREAM one of {', '.join(PAGED_STREAMS)}, "
                f"got {item!r}"
            )
        sizes[name] = _number(value, f"--page-size {name}", low=1, high=100_000, integer=True)
    return sizes


def fault_settings(items: list[str], profile_name: str) -> Any:
    """``--faults`` profile plus ``--fault NAME=VALUE`` overrides, as a Faults object."""
    import time

    from deskwatch.sim.faults import Faults, profile

    faults = profile(profile_name)
    numeric = {"error_rate", "latency", "latency_jitter", "timeout_rate", "hang_seconds",
               "reset_rate", "malformed_rate", "truncated_rate", "storm_rate"}  # fmt: skip
    names = sorted(numeric | {"talk_enabled", "revoke_after", "retry_after_form"})
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or name not in names:
            raise SimUsageError(f"--fault expects NAME=VALUE with NAME one of {', '.join(names)}")
        if name == "talk_enabled":
            if value.lower() not in ("true", "false"):
                raise SimUsageError(f"--fault talk_enabled must be true or false, got {value!r}")
            faults = faults.update({"talk_enabled": value.lower() == "true"})
        elif name == "retry_after_form":  # how a 429 says when: seconds or an HTTP-date
            if value not in ("seconds", "date"):
                raise SimUsageError(
                    f"--fault retry_after_form must be seconds or date, got {value!r}"
                )
            faults = faults.update({"retry_after_form": value})
        elif name == "revoke_after":
            delay = _number(value, "--fault revoke_after", low=0, high=10**7, integer=False)
            faults = faults.update({"revoke_at": time.time() + delay})
        else:
            high = 1 if name.endswith("_rate") else 3600
            amount = _number(value, f"--fault {name}", low=0, high=high, integer=False)
            faults = faults.update({name: amount})
    assert isinstance(faults, Faults)
    return faults


def banner(handle: Any, opts: dict[str, Any]) -> str:
    acc = handle.sim.account
    faults_name = opts["faults_profile"] + (" + overrides" if opts["fault_overrides"] else "")
    return "\n".join(
        [
            f"deskwatch sim: seed {opts['seed']}, {opts['history_days']} days, "
            f"{acc.n_tickets} tickets, {len(acc.calls)} calls, plan {opts['plan']}, "
            f"faults {faults_name}, speed {opts['speed']:g}x"
            + "".join(f", {k} pages of {v}" for k, v in opts.get("page_sizes", {}).items()),
            f"Base URL:      {handle.url}",
            f"OAuth token:   {handle.access_token}",
            f"OAuth client:  client_id={handle.client_id} client_secret={handle.client_secret}"
            " (POST /oauth/tokens)",
            f"API token:     {handle.email}/token : {handle.api_token}",
            "",
            "Put this in your deskwatch config (or point --config at a file holding it):",
            "",
            handle.config_toml().rstrip(),
            "",
            "Serving until Ctrl-C.",
        ]
    )


def run(args: argparse.Namespace) -> int:
    opts = options(args)
    from deskwatch.sim import start_simulator

    try:
        handle = start_simulator(**opts)
    except OSError as exc:
        raise SimStartError(
            f"cannot listen on 127.0.0.1:{opts['port']} ({exc.__cause__ or exc}); "
            "pick another port with --port"
        ) from None
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        shown = {**opts, "faults_profile": args.faults, "fault_overrides": bool(args.fault)}
        print(banner(handle, shown), flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        handle.stop()
    print("deskwatch sim: stopped.", file=sys.stderr, flush=True)
    return 0
