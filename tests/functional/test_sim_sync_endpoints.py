"""What the client's sync relies on from the simulator: the role-filtered users list, full
Talk export pages (so "fewer than a page" means caught up), separate export rate limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskwatch.sim import SimHandle, start_simulator

VOICE = "/api/v2/channels/voice/stats"
AGENTS = 40  # start_simulator's default


SIM = dict(
    seed=5, history_days=10, tickets=300, calls=700, live=False,
    incremental_limit=100_000, account_limit=100_000,
)  # fmt: skip


def test_users_list_by_role_pages_on_has_more(client: httpx.Client) -> None:
    params: dict[str, Any] = {"role[]": ["agent", "admin"], "page[size]": 7}
    users: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    while True:
        body = client.get("/api/v2/users.json", params=params).json()
        pages.append(body)
        users += body["users"]
        if not body["meta"]["has_more"]:
            break
        params = {**params, "page[after]": body["meta"]["after_cursor"]}
        assert len(pages) < 20
    assert len(pages) == -(-AGENTS // 7)  # 40 agents in pages of 7: 6 pages
    assert [len(p["users"]) for p in pages[:-1]] == [7] * (len(pages) - 1)
    assert pages[-1]["links"]["next"]  # set on the last page too, like Zendesk
    ids = [u["id"] for u in users]
    assert ids == sorted(ids) and len(set(ids)) == AGENTS
    assert {u["role"] for u in users} == {"agent", "admin"}
    # the role filter survives in links.next
    assert httpx.URL(pages[0]["links"]["next"]).params.get_list("role[]") == ["agent", "admin"]
    # the same user objects as the incremental export serves
    export = client.get("/api/v2/incremental/users/cursor.json", params={"start_time": 0}).json()
    agent = next(u for u in export["users"] if u["id"] == ids[0])
    assert agent == users[0]


def test_users_list_single_role_and_unfiltered(client: httpx.Client) -> None:
    admins = client.get("/api/v2/users", params={"role": "admin", "page[size]": 100}).json()
    assert admins["users"] and {u["role"] for u in admins["users"]} == {"admin"}
    everyone = client.get("/api/v2/users", params={"page[size]": 100}).json()
    assert everyone["meta"]["has_more"]  # end-users too: more than one page


@pytest.mark.parametrize("key", ["calls", "legs"])
def test_talk_pages_are_full_until_the_last(client: httpx.Client, sim: SimHandle, key: str) -> None:
    table = sim.sim.account.calls if key == "calls" else sim.sim.account.legs
    page = 100
    frozen = sim.freeze_clock()
    try:
        seen: set[int] = set()
        counts: list[int] = []
        start = 0
        while True:
            body = client.get(
                f"{VOICE}/incremental/{key}", params={"start_time": start, "per_page": page}
            ).json()
            counts.append(body["count"])
            seen.update(r["id"] for r in body[key])
            if body["count"] < page:  # the client's rule: a short page means caught up
                break
            start = body["end_time"]
            assert len(counts) < 100
    finally:
        sim.unfreeze_clock()
    assert all(c >= page for c in counts[:-1]) and counts[-1] < page
    assert len(counts) > 2  # 700 calls: several pages
    assert len(seen) == int((table["updated"] <= frozen - 60).sum())  # everything, once


def test_support_and_talk_exports_are_limited_separately() -> None:
    with start_simulator(seed=1, history_days=2, tickets=50, calls=10, live=False) as sim:
        sim.freeze_clock(1_800_000_000)
        auth = {"Authorization": f"Bearer {sim.access_token}"}
        with httpx.Client(base_url=sim.url, headers=auth, timeout=10) as c:
            tickets = [
                c.get("/api/v2/incremental/tickets/cursor.json", params={"start_time": 0})
                for _ in range(11)
            ]
            calls = [
                c.get(f"{VOICE}/incremental/calls.json", params={"start_time": 0})
                for _ in range(11)
            ]
            users = c.get("/api/v2/users.json", params={"role[]": "agent"})
        assert [r.status_code for r in tickets] == [200] * 10 + [429]
        # ten Support exports did not use up the Talk exports' ten
        assert [r.status_code for r in calls] == [200] * 10 + [429]
        assert "incremental export" in calls[-1].json()["description"]
        assert users.status_code == 200  # the users list is not an export
