"""Auth and rate limits as Zendesk does them, observed with a plain httpx client."""

from __future__ import annotations

import httpx

from deskwatch.sim import SimHandle, start_simulator

ME = "/api/v2/users/me.json"
EXPORT = "/api/v2/incremental/tickets/cursor.json"


SIM = dict(
    seed=8, history_days=5, tickets=300, calls=100, live=False, token="fixed-token",
    token_ttl=120, account_limit=100_000, incremental_limit=100_000,
)  # fmt: skip


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_fixed_token_is_accepted(sim: SimHandle) -> None:
    assert sim.access_token == "fixed-token"
    me = httpx.get(sim.url + ME, headers=bearer("fixed-token")).json()["user"]
    assert me["role"] == "admin" and isinstance(me["id"], int)


def test_bad_bearer_is_401_invalid_token(sim: SimHandle) -> None:
    response = httpx.get(sim.url + "/api/v2/groups", headers=bearer("wrong"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert set(response.json()) == {"error", "error_description"}


def test_basic_api_token(sim: SimHandle) -> None:
    good = httpx.get(sim.url + ME, auth=(f"{sim.email}/token", sim.api_token))
    assert good.status_code == 200 and good.json()["user"]["email"] == sim.email
    bad = httpx.get(sim.url + "/api/v2/groups", auth=(f"{sim.email}/token", "nope"))
    assert bad.status_code == 401 and bad.json() == {"error": "Couldn't authenticate you"}


def test_bad_basic_on_me_is_200_anonymous(sim: SimHandle) -> None:
    response = httpx.get(sim.url + ME, auth=("someone@example.com/token", "nope"))
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["id"] is None and user["name"] == "Anonymous user"


def test_client_credentials_then_expiry_then_refresh_rotation(sim: SimHandle) -> None:
    grant = {
        "grant_type": "client_credentials",
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
        "scope": "read",
    }
    issued = httpx.post(sim.url + "/oauth/tokens", json=grant)
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 120
    assert httpx.get(sim.url + ME, headers=bearer(body["access_token"])).status_code == 200
    sim.advance_clock(121)
    expired = httpx.get(sim.url + ME, headers=bearer(body["access_token"]))
    assert expired.status_code == 401 and expired.json()["error"] == "invalid_token"
    refresh = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    renewed = httpx.post(sim.url + "/oauth/tokens", data=refresh)  # form-encoded works too
    assert renewed.status_code == 200
    new = renewed.json()
    assert new["refresh_token"] != body["refresh_token"]
    assert httpx.get(sim.url + ME, headers=bearer(new["access_token"])).status_code == 200
    reused = httpx.post(sim.url + "/oauth/tokens", json=refresh)  # rotated: old one is dead
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_wrong_client_secret(sim: SimHandle) -> None:
    grant = {"grant_type": "client_credentials", "client_id": sim.client_id, "client_secret": "x"}
    response = httpx.post(sim.url + "/oauth/tokens", json=grant)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_talk_too_recent_start_time_is_422(sim: SimHandle) -> None:
    recent = int(sim.now()) - 10
    response = httpx.get(
        sim.url + "/api/v2/channels/voice/stats/incremental/calls",
        params={"start_time": recent},
        headers=bearer(sim.access_token),
    )
    assert response.status_code == 422
    assert "Too recent start_time" in response.json()["description"]


def test_account_budget_per_plan() -> None:
    with start_simulator(
        seed=1, history_days=2, tickets=50, calls=10, live=False, plan="team"
    ) as sim:
        sim.freeze_clock(1_800_000_000 + 5)  # 5 s into a minute window
        codes = []
        with httpx.Client(base_url=sim.url, headers=bearer(sim.access_token)) as client:
            for _ in range(201):
                response = client.get("/api/v2/groups")
                codes.append(response.status_code)
        assert codes[:200] == [200] * 200 and codes[200] == 429
        assert response.headers["Retry-After"] == "55"
        assert response.headers["x-rate-limit"] == "200"
        assert response.headers["ratelimit-remaining"] == "0"
        assert response.json()["error"] == "APIRateLimitExceeded"
        sim.advance_clock(60)
        after = httpx.get(sim.url + "/api/v2/groups", headers=bearer(sim.access_token))
        assert after.status_code == 200
        assert after.headers["x-rate-limit-remaining"] == "199"


def test_incremental_exports_ten_per_minute() -> None:
    with start_simulator(seed=1, history_days=2, tickets=50, calls=10, live=False) as sim:
        sim.freeze_clock(1_800_000_000)
        codes = [
            httpx.get(
                sim.url + EXPORT, params={"start_time": 0}, headers=bearer(sim.access_token)
            ).status_code
            for _ in range(11)
        ]
        assert codes == [200] * 10 + [429]
        last = httpx.get(sim.url + EXPORT, params={"start_time": 0},
                         headers=bearer(sim.access_token))  # fmt: skip
        assert last.json() == {
            "error": "APIRateLimitExceeded",
            "description": "Number of allowed incremental export API requests per minute exceeded",
        }
        assert last.headers["Retry-After"] == "60"
        groups = httpx.get(sim.url + "/api/v2/groups", headers=bearer(sim.access_token))
        assert groups.status_code == 200  # other endpoints still have budget
        assert groups.headers["x-rate-limit"] == "700"


def test_client_credentials_via_basic_header_and_refresh_with_empty_client(sim: SimHandle) -> None:
    issued = httpx.post(
        sim.url + "/oauth/tokens",
        data={"grant_type": "client_credentials"},
        auth=(sim.client_id, sim.client_secret),
    )
    assert issued.status_code == 200, issued.text
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": issued.json()["refresh_token"],
        "client_id": "",
        "client_secret": "",
    }
    assert httpx.post(sim.url + "/oauth/tokens", json=refresh).status_code == 200
