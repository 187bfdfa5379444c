"""The live account: a background task that keeps creating and moving tickets, calls, ratings.

Each tick turns the real seconds elapsed on the simulator clock, times ``speed``, into a number
of events drawn from Poisson distributions shaped like the history (hour of day, weekday).
Every ticket change appends a new version to the log; timestamps are the clock's ``now``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from deskwatch.sim import lifecycle
from deskwatch.sim.account import Account
from deskwatch.sim.gen_calls import CALL_COLUMNS, CALL_HOURS, call_fields, legs_for
from deskwatch.sim.gen_tickets import CLOSE_AFTER, HOUR_PROFILE, WEEKDAY_PROFILE
from deskwatch.sim.state import SimState
from deskwatch.sim.table import NULL
from deskwatch.sim.vocab import BAD, DELETED, GOOD, OFFERED, SOLVED

log = logging.getLogger(__name__)
MAX_STEP = 3600.0  # real seconds one tick may cover (after a big clock jump)
UPDATES_PER_DAY = 3.0  # how often an unsolved ticket changes, per account day (see step)


class Pool:
    """A set of ids with O(1) add, remove and uniform random choice."""

    def __init__(self, ids: list[int] | None = None) -> None:
        self.items: list[int] = []
        self.where: dict[int, int] = {}
        for i in ids or []:
            self.add(i)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, item: int) -> None:
        if item not in self.where:
            self.where[item] = len(self.items)
            self.items.append(item)

    def discard(self, item: int) -> None:
        pos = self.where.pop(item, None)
        if pos is None:
            return
        last = self.items.pop()
        if pos < len(self.items):
            self.items[pos] = last
            self.where[last] = pos

    def choice(self, rng: np.random.Generator) -> int:
        return self.items[int(rng.integers(len(self.items)))]


@dataclass
class LiveState:
    rng: np.random.Generator
    active: Pool  # ticket ids not yet solved
    solved: Pool  # solved, not closed: may reopen or close
    offered: Pool  # rating rows waiting for an answer
    answered: Pool  # rating rows that may still change
    to_close: deque[tuple[int, int]] = field(default_factory=deque)  # (solved_at, ticket id)
    last: float = 0.0  # clock time the last step covered up to


def init_live(account: Account) -> LiveState:
    log = account.tickets
    rows = account.latest[account.latest >= 0]
    status = log["status"][rows]
    ids = log["ticket_id"][rows]
    solved_rows = rows[status == SOLVED]
    scores = account.ratings["score"]
    closing = sorted(
        zip(
            log["solved_at"][solved_rows].tolist(),
            log["ticket_id"][solved_rows].tolist(),
            strict=True,
        )
    )
    return LiveState(
        rng=np.random.default_rng([account.seed, 424242]),
        active=Pool(ids[status < SOLVED].tolist()),
        solved=Pool(ids[status == SOLVED].tolist()),
        offered=Pool(np.flatnonzero(scores == OFFERED).tolist()),
        answered=Pool(np.flatnonzero((scores == GOOD) | (scores == BAD)).tolist()),
        to_close=deque(closing),
    )


def _rate_factor(account: Account, now: int, hours: np.ndarray) -> float:
    local = now + account.offset
    hour, weekday = (local % 86400) // 3600, (local // 86400 + 3) % 7
    return float(hours[hour] / hours.mean() * WEEKDAY_PROFILE[weekday] / WEEKDAY_PROFILE.mean())


def _latest(account: Account, tid: int) -> dict[str, int]:
    return account.tickets.row(int(account.latest[tid]))


def step(sim: SimState, live: LiveState, now_f: float, elapsed: float) -> int:
    """Apply ``elapsed`` real seconds of activity at ``now``; returns the number of changes."""
    account, rng, now = sim.account, live.rng, int(now_f)
    activity = min(elapsed, MAX_STEP) * sim.speed / 86400.0
    ticket_rate = account.tickets_per_day * activity * _rate_factor(account, now, HOUR_PROFILE)
    call_rate = account.calls_per_day * activity * _rate_factor(account, now, CALL_HOURS)
    changes = 0
    for _ in range(int(rng.poisson(ticket_rate))):
        row = lifecycle.new_ticket(account, rng, now)
        account.append_ticket_version(row, now)
        live.active.add(row["ticket_id"])
        changes += 1
    # each open ticket is worked on about every 8 account-hours (more by day): the backlog
    # settles where the work done matches the tickets coming in, where the history left it
    # (at 4 a day it sank by a quarter within half a day of live activity)
    work = len(live.active) * UPDATES_PER_DAY * activity * _rate_factor(account, now, HOUR_PROFILE)
    for _ in range(int(rng.poisson(work))):
        if not len(live.active):
            break
        tid = live.active.choice(rng)
        r = _latest(account, tid)
        if rng.random() < 0.001:
            lifecycle.delete(r, now)
            live.active.discard(tid)
        else:
            lifecycle.advance(account, r, rng, now)
            if r["status"] == SOLVED:
                live.active.discard(tid)
                live.solved.add(tid)
                live.to_close.append((now, tid))
                if rng.random() < 0.5:
                    live.offered.add(lifecycle.offer_rating(account, r, now))
        account.append_ticket_version(r, now)
        changes += 1
    for _ in range(int(rng.poisson(ticket_rate * 0.08))):  # reopens
        if not len(live.solved):
            break
        tid = live.solved.choice(rng)
        r = _latest(account, tid)
        if r["status"] != SOLVED:
            live.solved.discard(tid)
            continue
        lifecycle.reopen(r, now)
        live.solved.discard(tid)
        live.active.add(tid)
        account.append_ticket_version(r, now)
        changes += 1
    changes += _ratings(account, live, rng, now, ticket_rate)
    changes += _auto_close(account, live, now)
    changes += _calls(account, rng, now, int(rng.poisson(call_rate)))
    return changes


def _ratings(
    account: Account, live: LiveState, rng: np.random.Generator, now: int, rate: float
) -> int:
    changes = 0
    for change in [False] * int(rng.poisson(rate * 0.3)) + [True] * int(rng.poisson(rate * 0.02)):
        pool = live.answered if change else live.offered
        if not len(pool):
            continue
        row = pool.choice(rng)
        tid = int(account.ratings["ticket_id"][row])
        r = _latest(account, tid)
        if r["status"] == DELETED:
            pool.discard(row)
            continue
        r["sat"] = lifecycle.answer_rating(account, row, rng, now, change=change)
        pool.discard(row)
        if not change:
            live.answered.add(row)
        account.append_ticket_version(r, now)
        changes += 1
    return changes


def _auto_close(account: Account, live: LiveState, now: int) -> int:
    changes = 0
    while live.to_close and live.to_close[0][0] < now - CLOSE_AFTER:
        _, tid = live.to_close.popleft()
        r = _latest(account, tid)
        if r["status"] == SOLVED and r["solved_at"] < now - CLOSE_AFTER:
            lifecycle.close(r, now)
            live.solved.discard(tid)
            account.append_ticket_version(r, now)
            changes += 1
    return changes


def _calls(account: Account, rng: np.random.Generator, now: int, count: int) -> int:
    if count <= 0:
        return 0
    calls = account.calls
    f = call_fields(
        rng, np.full(count, now, dtype=np.int64), agent_speed=account.people.agent_speed,
        shift_start=account.people.agent_shift_start, n_tickets=account.n_tickets,
        offset=account.offset,
    )  # fmt: skip
    f["created"] = now - (f["updated"] - f["created"])  # the call just ended
    last = int(calls["updated"][-1]) if len(calls) else now - 2
    f["updated"] = np.maximum(now, last + 2) + 2 * np.arange(count, dtype=np.int64)
    first_id = int(calls["call_id"].max()) + 1 if len(calls) else 360_100_000_000
    f["call_id"] = first_id + np.arange(count, dtype=np.int64)
    start = calls.extend({k: f[k] for k in CALL_COLUMNS})
    account.legs.extend(legs_for(calls, start, len(calls), account.next_leg_id()).cols)
    account.changes += count
    return count


def catch_up(sim: SimState, live: LiveState) -> int:
    """Apply the activity of the clock time since the last step."""
    now = sim.clock.now()
    if now <= live.last:
        return 0
    changes = step(sim, live, now, now - live.last)
    live.last = now
    return changes


async def run_live(sim: SimState, live: LiveState, tick: float = 0.25) -> None:
    live.last = sim.clock.now()
    while True:
        await asyncio.sleep(tick)
        try:
            catch_up(sim, live)
        except Exception:  # a bug in one step must not freeze the account for good
            log.exception("simulator live step failed")
            live.last = sim.clock.now()


__all__ = ["NULL", "LiveState", "Pool", "catch_up", "init_live", "run_live", "step"]
