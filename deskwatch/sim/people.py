"""Agents, end users, groups and brands: the account's reference data (columnar users)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deskwatch.sim.table import NULL, Table
from deskwatch.sim.vocab import BRAND_NAMES, FIRST_NAMES, GROUP_NAMES, LAST_NAMES

AGENT_ID_BASE = 361_000_000_000
END_USER_ID_BASE = 362_000_000_000
GROUP_ID_BASE = 360_003_074_800
BRAND_ID_BASE = 360_000_358_300
ORG_ID_BASE = 360_010_000_000
N_ORGS = 20


@dataclass
class People:
    """Users table rows are in export order (``updated`` ascending); agents come first by index."""

    users: Table  # user_id, role(0 end-user,1 agent,2 admin), created, updated, group, active
    n_agents: int
    agent_speed: np.ndarray  # >1 = slower than average
    agent_quality: np.ndarray  # probability a rating is good
    agent_group: np.ndarray  # group index per agent
    agent_shift_start: np.ndarray  # local hour the agent's 9-hour shift starts
    group_ids: list[int]
    group_created: list[int]
    brand_ids: list[int]

    def agent_name(self, agent: int) -> str:
        first = FIRST_NAMES[agent % len(FIRST_NAMES)]
        last = LAST_NAMES[(agent // len(FIRST_NAMES) + agent) % len(LAST_NAMES)]
        return f"{first} {last}"

    def agent_id(self, agent: int) -> int:
        return AGENT_ID_BASE + agent

    def agents_in_group(self, group: int) -> np.ndarray:
        return np.flatnonzero(self.agent_group == group)

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(GROUP_NAMES[i % len(GROUP_NAMES)] for i in range(len(self.group_ids)))

    @property
    def brand_names(self) -> tuple[str, ...]:
        return tuple(BRAND_NAMES[i % len(BRAND_NAMES)] for i in range(len(self.brand_ids)))


def generate_people(
    rng: np.random.Generator,
    *,
    now: int,
    history_days: int,
    n_agents: int,
    n_groups: int,
    n_brands: int,
    n_end_users: int,
    n_admins: int,
) -> People:
    start = now - history_days * 86400
    setup = start - 400 * 86400
    agent_speed = np.exp(rng.normal(0.0, 0.45, n_agents))
    agent_quality = rng.uniform(0.62, 0.97, n_agents)
    agent_group = np.arange(n_agents) % n_groups
    agent_shift = 6 + (np.arange(n_agents) % 4) * 2
    roles = np.ones(n_agents, dtype=np.int8)
    roles[:n_admins] = 2
    a_created = setup + rng.integers(0, 86400 * 30, n_agents)
    a_updated = np.minimum(a_created + rng.integers(0, 400 * 86400, n_agents), now - 3600)
    u_created = rng.integers(setup, now - 86400, n_end_users)
    u_updated = u_created + rng.integers(0, 3600, n_end_users)
    ids = np.concatenate(
        [AGENT_ID_BASE + np.arange(n_agents), END_USER_ID_BASE + np.arange(n_end_users)]
    ).astype(np.int64)
    role = np.concatenate([roles, np.zeros(n_end_users, dtype=np.int8)])
    created = np.concatenate([a_created, u_created]).astype(np.int64)
    updated = np.concatenate([a_updated, u_updated]).astype(np.int64)
    group = np.concatenate([agent_group, np.full(n_end_users, NULL)]).astype(np.int16)
    order = np.argsort(updated, kind="stable")
    users = Table(
        {
            "user_id": ids[order],
            "role": role[order],
            "created": created[order],
            "updated": updated[order],
            "group": group[order],
            "active": np.ones(len(ids), dtype=np.int8),
        }
    )
    group_created = [int(setup + 3600 * i) for i in range(n_groups)]
    return People(
        users=users,
        n_agents=n_agents,
        agent_speed=agent_speed,
        agent_quality=agent_quality,
        agent_group=agent_group,
        agent_shift_start=agent_shift,
        group_ids=[GROUP_ID_BASE + i for i in range(n_groups)],
        group_created=group_created,
        brand_ids=[BRAND_ID_BASE + i for i in range(n_brands)],
    )
