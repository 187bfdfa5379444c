"""The simulator serves every Zendesk route deskwatch reads, over real loopback HTTP."""

from __future__ import annotations

import httpx
import pytest

from deskwatch.sim import SimHandle

ROUTES = {
    "/api/v2/incremental/tickets/cursor.json?start_time=0&include=metric_sets": "tickets",
    "/api/v2/incremental/users/cursor.json?start_time=0": "users",
    "/api/v2/groups": "groups",
    "/api/v2/satisfaction_ratings": "satisfaction_ratings",
    "/api/v2/channels/voice/stats/incremental/calls?start_time=0": "calls",
    "/api/v2/channels/voice/stats/incremental/legs?start_time=0": "legs",
    "/api/v2/channels/voice/stats/current_queue_activity": "current_queue_activity",
    "/api/v2/channels/voice/stats/agents_activity": "agents_activity",
    "/api/v2/channels/voice/stats/account_overview": "account_overview",
    "/api/v2/users/me.json": "user",
}


SIM = dict(seed=3, history_days=10, tickets=800, calls=300, live=False)


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_route_answers_with_its_top_level_key(sim: SimHandle, path: str) -> None:
    response = httpx.get(
        sim.url + path, headers={"Authorization": f"Bearer {sim.access_token}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    assert ROUTES[path] in response.json()


def test_json_suffix_is_optional(sim: SimHandle) -> None:
    headers = {"Authorization": f"Bearer {sim.access_token}"}
    with_suffix = httpx.get(f"{sim.url}/api/v2/groups.json", headers=headers).json()
    without = httpx.get(f"{sim.url}/api/v2/groups", headers=headers).json()
    assert with_suffix["groups"] == without["groups"]
    assert len(without["groups"]) == 5


def test_binds_loopback_only(sim: SimHandle) -> None:
    assert sim.url.startswith("http://127.0.0.1:")
    assert 'url = "http://127.0.0.1:' in sim.config_toml()
    assert f'access_token = "{sim.access_token}"' in sim.config_toml()
