"""``deskwatch check``: is the configured Zendesk account usable? Prints a ✓/✗ checklist."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from deskwatch.config import load_config

CHECK_ATTEMPTS = 2  # a checklist should answer quickly, not retry for half a minute


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "check",
        parents=[common],
        help="check the configured Zendesk account: credentials, scope, Talk, rate limit, clock",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from deskwatch.store.persist import read_rejects
    from deskwatch.zendesk.check import run_checks
    from deskwatch.zendesk.client import ZendeskClient

    cfg = load_config(args.config, state_dir=args.state_dir)

    async def main() -> int:
        async with ZendeskClient(cfg, max_attempts=CHECK_ATTEMPTS) as client:
            for warning in [*cfg.warnings, *client.warnings]:
                print(f"! {warning}")
            results = await run_checks(client)
        for result in results:
            print(result.line())
        tally = read_rejects(Path(cfg.state.dir)).summary()
        if tally:  # not a failed check: the account works, some of its records did not
            print(f"! bad records so far: {tally}; left out of the figures")
        failed = [r for r in results if not r.ok]
        print("all checks passed" if not failed else f"{len(failed)} check(s) failed")
        return 0 if not failed else 1

    return asyncio.run(main())
