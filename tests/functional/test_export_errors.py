"""``deskwatch export`` when Zendesk's paging breaks (real loopback HTTP to the simulator).

The pagers' error texts serve the app (which retries at its next poll) and export (which has
no next poll) alike, so they promise neither; export adds what it does about it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from deskwatch.cli import main
from deskwatch.zendesk import ZendeskClient

FAST = {"incremental_limit": 1_000_000, "account_limit": 1_000_000}
SIM = dict(
    seed=3, speed=0, history_days=10, tickets=300, calls=50, agents=6, live=False,
    page_sizes={"ratings": 2}, **FAST,
)  # fmt: skip


class StuckRatings(httpx.AsyncHTTPTransport):
    """The real transport; every ratings page after the first hands back the same cursor."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if (
            "/satisfaction_ratings" not in request.url.path
            or "page[after]" not in request.url.params
        ):
            return response
        await response.aread()
        body = json.loads(response.content)
        body["meta"] = {"has_more": True, "after_cursor": request.url.params["page[after]"]}
        return httpx.Response(200, json=body, headers={"content-type": "application/json"})


def test_export_says_what_it_does_when_paging_does_not_advance(
    sim: Any, tmp_path: Path, capfd: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "deskwatch.zendesk.ZendeskClient",
        functools.partial(ZendeskClient, incremental_per_minute=1e6, transport=StuckRatings()),
    )
    config = tmp_path / "deskwatch.toml"
    config.write_text(sim.config_toml())
    config.chmod(0o600)
    state = tmp_path / "state"
    code = main(["export", "--config", str(config), "--state-dir", str(state)])
    out, err = capfd.readouterr()
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err  # one line, no traceback
    line = lines[0]
    assert "satisfaction_ratings" in line and "did not advance" in line, line
    assert "next poll" not in line  # there is no next poll in export
    assert "nothing was exported" in line and "run deskwatch export again to resume" in line
    assert (state / "manifest.json").exists()  # what was synced is kept
