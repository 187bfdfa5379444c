"""A deskwatch node without a screen, for the collector/viewer tests: one JSON line per event.

``python -m tests.functional.role_probe CONFIG STATE_DIR [--viewer]`` runs the real
:class:`deskwatch.live.roles.Node` on the real data source (it collects when it gets the lease)
and prints ``{"kind": "role", ...}`` when its role or collector changes and
``{"kind": "data", ...}`` with the figures it would show for every dashboard data it gets.
The simulator of these tests allows 60 incremental exports a minute (Zendesk's High Volume
add-on allows 30): the client is told so, or a first sync waits on the default 10.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from deskwatch.config import load_config
from deskwatch.live.roles import Node, make_broker
from deskwatch.live.source import LiveSource
from deskwatch.zendesk import ZendeskClient


def emit(**fields: Any) -> None:
    print(json.dumps({"t": time.time(), **fields}, default=str), flush=True)


async def main(config: Path, state_dir: Path, collect: bool) -> None:
    cfg = load_config(config, state_dir=state_dir)
    last: list[Any] = [None]

    def on_status(status: Any) -> None:
        role = status.role
        now = (role.role, role.collector, role.broker_down, role.silent)
        if now != last[0]:
            last[0] = now
            emit(kind="role", role=role.role, collector=role.collector, down=role.broker_down)

    def on_data(data: Any) -> None:
        snap = data.snapshot
        emit(
            kind="data",
            now=data.now.isoformat(),
            created_today=None if snap is None else snap.tickets.created.today,
            stale=sorted(data.stale),
            firing=sorted(data.firing),
        )

    node = Node(
        cfg,
        make_broker(cfg),
        lambda: LiveSource(cfg, cfg.state.dir, client=ZendeskClient(cfg)),
        on_data=on_data,
        on_status=on_status,
        on_notice=lambda sev, line: emit(kind="notice", severity=sev, line=line),
        on_alerts=lambda events: emit(kind="alerts", events=[e.kind for e in events]),
        collect=collect,
    )
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        await node.run()
    except asyncio.CancelledError:
        emit(kind="stopped")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), "--viewer" not in sys.argv))
