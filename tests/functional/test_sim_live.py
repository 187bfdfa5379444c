"""The live account: the clock brings new and moved tickets, calls and ratings, consistently."""

from __future__ import annotations

import httpx
import numpy as np

from deskwatch.sim import SimHandle
from deskwatch.sim.table import NULL
from deskwatch.sim.vocab import CLOSED, DELETED, SOLVED

VOICE = "/api/v2/channels/voice/stats"


SIM = dict(
    seed=9, history_days=20, tickets=6000, calls=2000, live=False, speed=60,
    incremental_limit=100_000,
)  # fmt: skip


def test_clock_brings_tickets_calls_and_ratings(sim: SimHandle) -> None:
    acc = sim.sim.account
    tickets, calls, ratings = acc.n_tickets, len(acc.calls), len(acc.ratings)
    answered_before = int(np.isin(acc.ratings["score"], [2, 3]).sum())
    changes = sim.step(6 * 3600)  # one step covers at most an hour: 60 hours at 60x
    assert changes > 0
    assert acc.n_tickets > tickets
    assert len(acc.calls) > calls
    assert len(acc.ratings) > ratings
    assert int(np.isin(acc.ratings["score"], [2, 3]).sum()) > answered_before


def test_latest_versions_stay_consistent(sim: SimHandle) -> None:
    sim.step(3 * 3600)
    acc = sim.sim.account
    rows = acc.latest[acc.latest >= 0]
    log = acc.tickets
    status = log["status"][rows]
    solved = np.isin(status, [SOLVED, CLOSED])
    solved_at, created = log["solved_at"][rows], log["created"][rows]
    assert (solved_at[solved] != NULL).all()
    assert (solved_at[~solved] == NULL).all()
    assert np.array_equal(log["full_cal"][rows][solved], (solved_at - created)[solved] // 60)
    live = ~np.isin(status, [DELETED])
    assigned = log["assignee"][rows] != NULL
    assert np.array_equal(assigned[live], (log["assigned_at"][rows] != NULL)[live])
    gen = log["gen_ts"]
    assert (np.diff(gen) >= 0).all()  # the log stays ordered for start_time lookups
    calls = acc.calls["updated"]
    assert (np.diff(calls) >= 2).all()


def test_today_stats_agree_with_todays_calls(sim: SimHandle) -> None:
    headers = {"Authorization": f"Bearer {sim.access_token}"}
    with httpx.Client(base_url=sim.url, headers=headers) as client:
        frozen = sim.freeze_clock()
        try:
            agents = client.get(f"{VOICE}/agents_activity").json()["agents_activity"]
            queue = client.get(f"{VOICE}/current_queue_activity").json()
            overview = client.get(f"{VOICE}/account_overview").json()["account_overview"]
        finally:
            sim.unfreeze_clock()
    acc = sim.sim.account
    midnight = int(frozen) // 86400 * 86400  # account time zone is UTC
    today = acc.calls["created"] >= midnight
    answered = today & (acc.calls["agent"] != NULL)
    assert sum(a["calls_accepted"] for a in agents) == int(answered.sum())
    assert overview["total_calls"] == int(today.sum())
    online = sum(a["agent_state"] == "online" for a in agents)
    assert queue["current_queue_activity"]["agents_online"] == online
