"""One live change to one ticket: the next step of new → open → pending/hold → solved → closed."""

from __future__ import annotations

import numpy as np

from deskwatch.sim.account import Account
from deskwatch.sim.business import business_minutes
from deskwatch.sim.gen_tickets import CHANNEL_P, PRIORITY_P, TYPE_P
from deskwatch.sim.table import NULL
from deskwatch.sim.vocab import (
    BAD,
    CLOSED,
    DELETED,
    ESCALATED_BIT,
    GOOD,
    HOLD,
    NEW,
    OFFERED,
    OPEN,
    PENDING,
    SOLVED,
    SUBJECTS,
    URGENT,
)


def _bmin(account: Account, start: int, end: int) -> int:
    return int(business_minutes(np.array([start]), np.array([end]), account.offset)[0])


def new_ticket(account: Account, rng: np.random.Generator, now: int) -> dict[str, int]:
    """The first version of a ticket created right now."""
    tid = account.next_ticket_id
    account.next_ticket_id += 1
    prio = int(rng.choice(5, p=PRIORITY_P))
    tags = int(rng.integers(0, 64)) & int(rng.integers(0, 64))
    if prio == URGENT and rng.random() < 0.3:
        tags |= ESCALATED_BIT
    row = {name: NULL for name in account.tickets.cols}
    row.update(
        ticket_id=tid, created=now, status=NEW, type=int(rng.choice(5, p=TYPE_P)), priority=prio,
        channel=int(rng.choice(7, p=CHANNEL_P)),
        group=int(rng.integers(len(account.people.group_ids))),
        brand=int(rng.random() < 0.3), requester=int(rng.integers(account.n_end_users)),
        org=int(rng.integers(20)) if rng.random() < 0.6 else NULL, tags=tags,
        subject=int(rng.integers(len(SUBJECTS))), latest_comment=now, status_updated=now,
        replies=0, reopens=0, hold_cal=0, hold_bus=0,
    )  # fmt: skip
    return row


def _solve(account: Account, r: dict[str, int], now: int) -> None:
    c = r["created"]
    cal, bus = (now - c) // 60, _bmin(account, c, now)
    if r["first_cal"] == NULL:
        r["first_cal"], r["first_bus"] = cal, bus
    r["full_cal"], r["full_bus"] = cal, bus
    pend = r["agent_wait_cal"] if r["agent_wait_cal"] != NULL else 0
    r["agent_wait_cal"] = max(pend, 0)
    r["agent_wait_bus"] = max(r["agent_wait_bus"], 0)
    r["req_wait_cal"] = max(cal - r["agent_wait_cal"], 0)
    r["req_wait_bus"] = max(bus - r["agent_wait_bus"], 0)
    r["status"], r["solved_at"] = SOLVED, now


def advance(account: Account, r: dict[str, int], rng: np.random.Generator, now: int) -> None:
    """Move an unsolved ticket (the row dict of its newest version) one step, in place."""
    status = r["status"]
    previous_change = r["status_updated"]
    r["status_updated"] = now
    if status == NEW:
        members = account.people.agents_in_group(max(r["group"], 0))
        r["assignee"] = int(rng.choice(members))
        r["assigned_at"] = now
        if r["initially_assigned_at"] == NULL:
            r["initially_assigned_at"] = now
        r["status"] = OPEN
        return
    if r["reply_cal"] == NULL:
        r["reply_cal"] = (now - r["created"]) // 60
        r["reply_bus"] = _bmin(account, r["created"], now)
        r["replies"] += 1
        r["latest_comment"] = now
        r["status"] = PENDING if rng.random() < 0.7 else OPEN
        return
    roll = rng.random()
    if roll < 0.03:
        r["tags"] |= ESCALATED_BIT
        r["priority"] = URGENT
    if roll < 0.45:
        r["replies"] += 1
        r["latest_comment"] = now
        _solve(account, r, now)
    elif status == PENDING:
        r["status"] = OPEN  # the requester answered
        r["latest_comment"] = now
        waited = max(now - previous_change, 0) // 60
        r["agent_wait_cal"] = max(r["agent_wait_cal"], 0) + waited
    elif status == HOLD or roll > 0.9:
        r["status"] = OPEN if status == HOLD else HOLD
        r["hold_cal"] += int(rng.integers(5, 120)) if status == HOLD else 0
    else:
        r["replies"] += 1
        r["latest_comment"] = now
        r["status"] = PENDING


def reopen(r: dict[str, int], now: int) -> None:
    r.update(status=OPEN, solved_at=NULL, reopens=r["reopens"] + 1, status_updated=now)
    r["latest_comment"] = now


def close(r: dict[str, int], now: int) -> None:
    r.update(status=CLOSED, status_updated=now)


def delete(r: dict[str, int], now: int) -> None:
    r.update(status=DELETED, status_updated=now, sat=NULL, assignee=NULL, assigned_at=NULL)
    r["initially_assigned_at"] = NULL


def offer_rating(account: Account, r: dict[str, int], now: int) -> int:
    """Create an ``offered`` satisfaction rating for a just-solved ticket; returns its row."""
    ratings = account.ratings
    next_id = int(ratings["rating_id"][-1]) + 1 if len(ratings) else 7_000_000_000_000
    row = ratings.append(
        {
            "rating_id": next_id, "ticket_id": r["ticket_id"], "assignee": r["assignee"],
            "group": r["group"], "requester": r["requester"], "score": OFFERED,
            "created": now, "updated": now, "comment": 0,
        }
    )  # fmt: skip
    r["sat"], r["rating"] = OFFERED, row
    return row


def answer_rating(
    account: Account, row: int, rng: np.random.Generator, now: int, *, change: bool
) -> int:
    """Score an offered rating (or flip an answered one); returns the new score code."""
    ratings = account.ratings
    current = int(ratings["score"][row])
    if change:
        score = GOOD if current == BAD else BAD
    else:
        agent = int(ratings["assignee"][row])
        quality = account.people.agent_quality[agent] if agent != NULL else 0.8
        score = GOOD if rng.random() < quality else BAD
    ratings.cols["score"][row] = score
    ratings.cols["updated"][row] = now
    ratings.cols["comment"][row] = int(rng.integers(0, 5))
    return score
