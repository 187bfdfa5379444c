"""Every injected fault is observable by a plain httpx client; the control endpoints work."""

from __future__ import annotations

import json

import httpx
import pytest

from deskwatch.sim import SimHandle
from deskwatch.sim.faults import Faults, profile

GROUPS = "/api/v2/groups"


SIM = dict(seed=2, history_days=3, tickets=200, calls=50, live=False)
SIM_PER_TEST = True  # tests change its faults or clock


def get(sim: SimHandle, path: str = GROUPS, timeout: float = 5.0) -> httpx.Response:
    headers = {"Authorization": f"Bearer {sim.access_token}"}
    return httpx.get(sim.url + path, headers=headers, timeout=timeout)


def test_server_errors(sim: SimHandle) -> None:
    sim.set_faults(error_rate=1.0)
    statuses = {get(sim).status_code for _ in range(12)}
    assert statuses <= {500, 502, 503, 504} and statuses
    sim.set_faults(error_rate=0.0)
    assert get(sim).status_code == 200


def test_malformed_json(sim: SimHandle) -> None:
    sim.set_faults(malformed_rate=1.0)
    response = get(sim)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_truncated_json(sim: SimHandle) -> None:
    whole = get(sim).content
    sim.set_faults(truncated_rate=1.0)
    cut = get(sim).content
    assert whole.startswith(cut) and len(cut) < len(whole)
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)


def test_connection_reset(sim: SimHandle) -> None:
    sim.set_faults(reset_rate=1.0)
    with pytest.raises(httpx.TransportError):
        get(sim)
    sim.set_faults(reset_rate=0.0)
    assert get(sim).status_code == 200  # the server survives


def test_timeout_hangs_longer_than_the_client_waits(sim: SimHandle) -> None:
    sim.set_faults(timeout_rate=1.0, hang_seconds=5.0)
    with pytest.raises(httpx.ReadTimeout):
        get(sim, timeout=0.3)


def test_429_storm_until(sim: SimHandle) -> None:
    until = sim.now() + 30
    sim.set_faults(storm_until=until)
    response = get(sim)
    assert response.status_code == 429
    assert 29 <= int(response.headers["Retry-After"]) <= 31
    assert response.json()["error"] == "APIRateLimitExceeded"
    sim.advance_clock(31)
    assert get(sim).status_code == 200


def test_token_revocation_at_a_time(sim: SimHandle) -> None:
    sim.set_faults(revoke_at=sim.now() + 100)
    assert get(sim).status_code == 200
    sim.advance_clock(101)
    response = get(sim)
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_talk_off_is_403(sim: SimHandle) -> None:
    sim.set_faults(talk_enabled=False)
    response = get(sim, "/api/v2/channels/voice/stats/current_queue_activity")
    assert response.status_code == 403
    assert "Talk" in response.json()["error"]["message"]
    assert get(sim).status_code == 200  # Support endpoints unaffected


def test_control_endpoint(sim: SimHandle) -> None:
    answer = httpx.post(f"{sim.url}/__sim/faults", json={"profile": "heavy"})
    assert answer.status_code == 200 and answer.json()["error_rate"] == profile("heavy").error_rate
    bad = httpx.post(f"{sim.url}/__sim/faults", json={"eror_rate": 1})
    assert bad.status_code == 400 and "eror_rate" in bad.json()["error"]
    httpx.post(f"{sim.url}/__sim/faults", json={"profile": "none", "error_rate": 1.0})
    assert get(sim).status_code >= 500
    before = sim.now()
    moved = httpx.post(f"{sim.url}/__sim/clock", json={"advance": 3600, "freeze": True}).json()
    assert moved["frozen"] is True and moved["now"] >= before + 3600
    state = httpx.get(f"{sim.url}/__sim/state").json()
    assert state["tickets"] == 200


def test_profiles() -> None:
    assert profile("none") == Faults()
    light, heavy = profile("light"), profile("heavy")
    assert 0 < light.error_rate < heavy.error_rate
    with pytest.raises(ValueError, match="unknown fault profile"):
        profile("medium")


def test_a_burst_fails_the_next_requests_in_order(sim: SimHandle) -> None:
    sim.set_faults(burst_kind="error", burst_count=2)
    assert [get(sim).status_code >= 500 for _ in range(3)] == [True, True, False]
    sim.set_faults(burst_kind="truncated", burst_count=1)
    with pytest.raises(json.JSONDecodeError):
        get(sim).json()
    assert get(sim).status_code == 200
    bad = httpx.post(f"{sim.url}/__sim/faults", json={"burst_kind": "fire"})
    assert bad.status_code == 400 and "burst_kind" in bad.json()["error"]


def test_429_retry_after_as_an_http_date(sim: SimHandle) -> None:
    from email.utils import parsedate_to_datetime

    sim.set_faults(storm_until=sim.now() + 30, retry_after_form="date")
    response = get(sim)
    assert response.status_code == 429
    until = parsedate_to_datetime(response.headers["Retry-After"]).timestamp()
    sent = parsedate_to_datetime(response.headers["Date"]).timestamp()
    assert 30 <= until - sent <= 32


def test_server_gone_and_back_on_the_same_port(sim: SimHandle) -> None:
    port = sim.port
    sim.go_away()
    assert sim.gone
    with pytest.raises(httpx.ConnectError):
        get(sim)
    sim.come_back()
    assert sim.port == port and get(sim).status_code == 200


def test_a_new_token_replaces_a_revoked_one(sim: SimHandle) -> None:
    old = sim.access_token
    sim.revoke_tokens()
    assert get(sim).status_code == 401
    new = sim.issue_token()
    assert new != old
    ok = httpx.get(sim.url + GROUPS, headers={"Authorization": f"Bearer {new}"}, timeout=5)
    assert ok.status_code == 200


def test_token_control_endpoint_revokes_and_issues(sim: SimHandle) -> None:
    answer = httpx.post(f"{sim.url}/__sim/token", json={"revoke": True})
    assert answer.status_code == 200 and get(sim).status_code == 401
    new = answer.json()["access_token"]
    ok = httpx.get(sim.url + GROUPS, headers={"Authorization": f"Bearer {new}"}, timeout=5)
    assert ok.status_code == 200
