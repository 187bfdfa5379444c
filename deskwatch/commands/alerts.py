"""``deskwatch alerts test``: send a test event to every configured alert webhook."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from deskwatch.config import ConfigError, load_config
from deskwatch.config.rules import AlertRule


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "alerts",
        parents=[common],
        help="alert rules: `alerts test` sends a test event to the configured webhooks",
    )
    parser.add_argument("action", choices=["test"], help="test: send a test event")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from deskwatch.kpis.alerts import check_rules, probe_event
    from deskwatch.live.webhook import Target, WebhookSender, target

    cfg = load_config(args.config, state_dir=args.state_dir)
    check_rules(cfg)
    rules = [None, *cfg.alerts.rules]
    targets: dict[Target, AlertRule | None] = {}
    for rule in rules:
        where = target(cfg, rule)
        if where is not None:
            targets.setdefault(where, rule)
    if not targets:
        raise ConfigError(
            "no webhook to test: set [alerts] webhook_url (or webhook_url in a [[alerts.rules]])"
        )

    async def main() -> int:
        sender = WebhookSender(cfg, backoff=(1.0, 2.0))
        task = asyncio.create_task(sender.run())
        event = probe_event(cfg, datetime.now(UTC))
        for rule in targets.values():
            sender.send(event, rule)
        await sender.drain()
        task.cancel()
        if sender.failed:
            print(f"{sender.failed} of {len(targets)} webhook(s) failed ({sender.last_error})")
            return 1
        print(f"test event sent to {len(targets)} webhook(s)")
        return 0

    return asyncio.run(main())
