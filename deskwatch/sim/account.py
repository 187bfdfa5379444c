"""The simulated account: reference data, the ticket version log, ratings, calls and legs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from deskwatch.sim.gen_calls import LEG_ID_BASE, generate_calls
from deskwatch.sim.gen_tickets import generate_tickets
from deskwatch.sim.people import People, generate_people
from deskwatch.sim.table import Table


@dataclass
class Account:
    seed: int
    tz: str
    offset: int  # seconds east of UTC used for business hours and "today"
    generated_at: int
    people: People
    tickets: Table  # the version log: one row per ticket version, ordered by gen_ts
    latest: np.ndarray  # ticket id -> row of its newest version (-1 = none)
    ratings: Table
    calls: Table
    legs: Table
    n_end_users: int
    next_ticket_id: int = 1
    tickets_per_day: float = 0.0
    calls_per_day: float = 0.0
    changes: int = 0  # bumped on every live change

    @property
    def n_tickets(self) -> int:
        return self.next_ticket_id - 1

    def append_ticket_version(self, row: dict[str, int], now: int) -> int:
        """Append a new state of ``row['ticket_id']``; it supersedes every older version."""
        last = int(self.tickets["gen_ts"][-1]) if len(self.tickets) else now
        row = {**row, "gen_ts": max(now, last), "updated": max(now, last)}
        i = self.tickets.append(row)
        tid = row["ticket_id"]
        if tid >= len(self.latest):
            grown = np.full(max(tid + 1, len(self.latest) * 2), -1, dtype=np.int64)
            grown[: len(self.latest)] = self.latest
            self.latest = grown
        self.latest[tid] = i
        self.changes += 1
        return i

    def next_leg_id(self) -> int:
        return int(self.legs["leg_id"][-1]) + 1 if len(self.legs) else LEG_ID_BASE


def tz_offset(tz: str, at: float) -> int:
    moment = datetime.fromtimestamp(at, tz=UTC).astimezone(ZoneInfo(tz))
    delta = moment.utcoffset()
    return int(delta.total_seconds()) if delta else 0


def generate_account(
    *,
    seed: int = 7,
    now: float,
    history_days: int = 90,
    tickets: int | None = None,
    calls: int | None = None,
    agents: int = 40,
    groups: int = 5,
    brands: int = 2,
    admins: int = 4,
    end_users: int | None = None,
    tz: str = "UTC",
) -> Account:
    """A deterministic account: same arguments (incl. ``now``) → identical data."""
    n_tickets = tickets if tickets is not None else 400 * history_days
    n_calls = calls if calls is not None else n_tickets // 3
    n_end = end_users if end_users is not None else max(200, n_tickets // 5)
    t_now = int(now)
    offset = tz_offset(tz, t_now)
    root = np.random.SeedSequence(seed)
    r_people, r_tickets, r_calls = (np.random.default_rng(s) for s in root.spawn(3))
    people = generate_people(
        r_people,
        now=t_now,
        history_days=history_days,
        n_agents=agents,
        n_groups=groups,
        n_brands=brands,
        n_end_users=n_end,
        n_admins=min(admins, agents),
    )
    log, ratings = generate_tickets(
        r_tickets, people, n=n_tickets, now=t_now, days=history_days, offset=offset,
        n_end_users=n_end,
    )  # fmt: skip
    latest = np.full(n_tickets + 1, -1, dtype=np.int64)
    latest[log["ticket_id"]] = np.arange(len(log), dtype=np.int64)
    call_table, legs = generate_calls(
        r_calls, n=n_calls, now=t_now, days=history_days, offset=offset,
        agent_speed=people.agent_speed, shift_start=people.agent_shift_start, n_tickets=n_tickets,
    )  # fmt: skip
    return Account(
        seed=seed,
        tz=tz,
        offset=offset,
        generated_at=t_now,
        people=people,
        tickets=log,
        latest=latest,
        ratings=ratings,
        calls=call_table,
        legs=legs,
        n_end_users=n_end,
        next_ticket_id=n_tickets + 1,
        tickets_per_day=n_tickets / max(history_days, 1),
        calls_per_day=n_calls / max(history_days, 1),
    )
