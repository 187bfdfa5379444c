"""``deskwatch check``: is the configured Zendesk account usable? Prints a ✓/✗ checklist."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from deskwatch.config import Config, load_config

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
    state_dir = Path(cfg.state.dir)

    async def main() -> int:
        async with ZendeskClient(cfg, max_attempts=CHECK_ATTEMPTS) as client:
            for warning in [*cfg.warnings, *client.warnings]:
                print(f"! {warning}")
            results = await run_checks(client)
            signed_in = any(r.name == "credentials" and r.ok for r in results)
            counts = await _completeness(client, cfg, state_dir) if signed_in else []
        for result in results:
            print(result.line())
        rejects = read_rejects(state_dir)
        tally = rejects.summary()
        if tally:  # not a failed check: the account works, some of its records did not
            print(f"! bad records so far: {tally}; left out of the figures")
        for line in counts:  # not failed checks either: what the cache holds against Zendesk
            print(line)
        failed = [r for r in results if not r.ok]
        print("all checks passed" if not failed else f"{len(failed)} check(s) failed")
        return 0 if not failed else 1

    return asyncio.run(main())


async def _completeness(client: Any, cfg: Config, state_dir: Path) -> list[str]:
    """Where Zendesk reports a total, the cache against it (see deskwatch.zendesk.completeness)."""
    from deskwatch.live.sync import history_done
    from deskwatch.store import Cache
    from deskwatch.store.persist import MANIFEST, history_key, read_rejects
    from deskwatch.zendesk.completeness import Held, lines

    if not (state_dir / MANIFEST).is_file():
        return [f"· completeness: no cache in {state_dir} yet; run deskwatch or deskwatch export"]
    cache = Cache.load(state_dir)
    skipped = read_rejects(state_dir).skipped
    held = Held(
        ratings=cache.frames.get("ratings").height,
        ratings_skipped=sum(n for (stream, _), n in skipped.items() if stream == "ratings"),
        ratings_backfill_done=history_done(cache.cursor(history_key("ratings"))),
        tickets=cache.frames.get("tickets").height,
        talk=cfg.talk.enabled,
    )
    return [*(f"! {w}" for w in cache.warnings), *await lines(client, held)]
