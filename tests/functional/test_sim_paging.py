"""Pagination walks terminate and yield every record exactly once; the clock brings changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskwatch.sim import SimHandle, start_simulator

VOICE = "/api/v2/channels/voice/stats"
N_TICKETS = 1500


SIM = dict(
    seed=4, history_days=12, tickets=N_TICKETS, calls=700, live=False,
    incremental_limit=100_000, account_limit=100_000,
)  # fmt: skip


def walk_tickets(client: httpx.Client, **first: Any) -> tuple[list[dict[str, Any]], str, int]:
    body = client.get("/api/v2/incremental/tickets/cursor.json", params=first).json()
    tickets, pages = list(body["tickets"]), 1
    while not body["end_of_stream"]:
        params = {"cursor": body["after_cursor"], "per_page": first.get("per_page", 1000)}
        body = client.get("/api/v2/incremental/tickets/cursor.json", params=params).json()
        tickets += body["tickets"]
        pages += 1
        assert pages < 500
    return tickets, body["after_cursor"], pages


def test_cursor_export_yields_every_ticket_once(client: httpx.Client) -> None:
    tickets, cursor, pages = walk_tickets(client, start_time=0, per_page=137)
    ids = [t["id"] for t in tickets]
    assert sorted(ids) == list(range(1, N_TICKETS + 1))
    assert pages == -(-N_TICKETS // 137)
    stamps = [t["generated_timestamp"] for t in tickets]
    assert stamps == sorted(stamps)
    again = client.get("/api/v2/incremental/tickets/cursor.json", params={"cursor": cursor}).json()
    assert again["tickets"] == [] and again["end_of_stream"] is True
    assert again["after_cursor"]  # still given at end_of_stream


def test_start_time_skips_older_changes(client: httpx.Client) -> None:
    tickets, _, _ = walk_tickets(client, start_time=0)
    middle = sorted(t["generated_timestamp"] for t in tickets)[N_TICKETS // 2]
    later, _, _ = walk_tickets(client, start_time=middle)
    assert later and all(t["generated_timestamp"] >= middle for t in later)
    assert len(later) == sum(t["generated_timestamp"] >= middle for t in tickets)


def test_clock_advance_brings_changes_to_the_saved_cursor(
    sim: SimHandle, client: httpx.Client
) -> None:
    _, cursor, _ = walk_tickets(client, start_time=0)
    before = sim.now()
    changes = sim.step(3600)  # one real hour at 60x: 60 hours of activity
    assert changes > 0
    changed, _, _ = walk_tickets(client, cursor=cursor)
    assert changed
    ids = [t["id"] for t in changed]
    assert len(ids) == len(set(ids))  # only the newest version of each ticket
    assert all(t["generated_timestamp"] >= int(before) for t in changed)
    assert any(t["id"] > N_TICKETS for t in changed)  # new tickets
    assert any(t["id"] <= N_TICKETS for t in changed)  # moved tickets
    everything, _, _ = walk_tickets(client, start_time=0)
    assert len(everything) == len({t["id"] for t in everything})


def test_users_export_walk(client: httpx.Client) -> None:
    body = client.get(
        "/api/v2/incremental/users/cursor.json", params={"start_time": 0, "per_page": 100}
    ).json()
    users = list(body["users"])
    while not body["end_of_stream"]:
        body = client.get(
            "/api/v2/incremental/users/cursor.json", params={"cursor": body["after_cursor"]}
        ).json()
        users += body["users"]
    ids = [u["id"] for u in users]
    assert len(ids) == len(set(ids)) == 40 + 300
    assert sum(u["role"] in ("agent", "admin") for u in users) == 40


@pytest.mark.parametrize("key", ["calls", "legs"])
def test_talk_walk_inclusive_start_time(client: httpx.Client, sim: SimHandle, key: str) -> None:
    table = sim.sim.account.calls if key == "calls" else sim.sim.account.legs
    frozen = sim.freeze_clock()  # so "the last minute" cannot move during the walk
    try:
        seen = walk_talk(client, key)
    finally:
        sim.unfreeze_clock()
    expected = int((table["updated"] <= frozen - 60).sum())  # the last minute is left out
    assert len(seen) == expected


def walk_talk(client: httpx.Client, key: str) -> dict[int, dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    start, pages, last_id = 0, 0, None
    while True:
        body = client.get(
            f"{VOICE}/incremental/{key}", params={"start_time": start, "per_page": 100}
        ).json()
        pages += 1
        if last_id is not None:
            assert body[key][0]["id"] == last_id  # start_time is inclusive
        for record in body[key]:
            seen[record["id"]] = record
        assert "start_time=" in body["next_page"]
        if body["count"] <= 1:
            break
        last_id = body[key][-1]["id"]
        start = body["end_time"]
        assert pages < 100
    return seen


def test_groups_pages(client: httpx.Client) -> None:
    names, params, pages = [], {"page[size]": 2}, []
    while True:
        body = client.get("/api/v2/groups.json", params=params).json()
        pages.append(body)
        names += [g["name"] for g in body["groups"]]
        if not body["meta"]["has_more"]:
            break
        params = {"page[size]": 2, "page[after]": body["meta"]["after_cursor"]}
    assert len(pages) == 3 and len(names) == len(set(names)) == 5
    assert pages[-1]["links"]["next"] is not None


def test_ratings_pages_and_filters(client: httpx.Client, sim: SimHandle) -> None:
    ratings, params = [], {"page[size]": 100}
    while True:
        body = client.get("/api/v2/satisfaction_ratings", params=params).json()
        ratings += body["satisfaction_ratings"]
        if not body["meta"]["has_more"]:
            break
        params = {"page[size]": 100, "page[after]": body["meta"]["after_cursor"]}
    assert len({r["id"] for r in ratings}) == len(ratings) == len(sim.sim.account.ratings)
    bad = client.get("/api/v2/satisfaction_ratings", params={"score": "bad"}).json()
    assert bad["satisfaction_ratings"]
    assert all(r["score"] == "bad" for r in bad["satisfaction_ratings"])
    cut = sorted(r["updated_at"] for r in ratings)[len(ratings) // 2]
    from datetime import datetime

    epoch = int(datetime.fromisoformat(cut.replace("Z", "+00:00")).timestamp())
    newer = client.get(
        "/api/v2/satisfaction_ratings", params={"start_time": epoch, "page[size]": 100}
    ).json()["satisfaction_ratings"]
    assert newer and all(r["updated_at"] >= cut for r in newer)


def test_ratings_comment_filters_and_created_mode() -> None:
    with start_simulator(
        seed=4, history_days=12, tickets=800, calls=50, live=False, ratings_time_field="created"
    ) as sim:
        headers = {"Authorization": f"Bearer {sim.access_token}"}
        with httpx.Client(base_url=sim.url, headers=headers) as client:
            path = "/api/v2/satisfaction_ratings"
            good = client.get(path, params={"score": "good_with_comment"}).json()
            assert good["satisfaction_ratings"]
            assert all(r["score"] == "good" and r["comment"] for r in good["satisfaction_ratings"])
            plain = client.get(path, params={"score": "received_without_comment"}).json()
            assert all(r["comment"] is None for r in plain["satisfaction_ratings"])
            assert client.get(path, params={"score": "meh"}).status_code == 400
            everything = client.get(path, params={"page[size]": 100}).json()
            first = everything["satisfaction_ratings"][0]
            from datetime import datetime

            created = datetime.fromisoformat(first["created_at"].replace("Z", "+00:00"))
            window = client.get(
                path, params={"start_time": int(created.timestamp()), "page[size]": 100}
            ).json()["satisfaction_ratings"]
            assert all(r["created_at"] >= first["created_at"] for r in window)
