"""Leaderboard figures the export contract does not hold (``KpiSnapshot.board``, not exported).

Per agent: solved tickets per window date (the sparkline), the rank in the previous window of
equal length (:mod:`deskwatch.kpis.previous`) and, where Talk is on, the live Talk state from
``agents_activity`` (online / on call / wrap-up / away / offline).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from deskwatch.kpis.parts import Parts
from deskwatch.kpis.previous import Previous


@dataclass(frozen=True)
class AgentBoard:
    agent_id: int
    #: solved tickets per window date, oldest first
    solved_daily: tuple[int, ...]
    #: 1-based rank over the previous window of equal length; None: nothing there
    previous_rank: int | None
    #: live Talk state; None when Talk is off or the agent is not in agents_activity
    talk_state: str | None


@dataclass(frozen=True)
class Board:
    """Per agent (a tuple, not a mapping keyed by id: it crosses the viewers' JSON wire)."""

    agents: tuple[AgentBoard, ...] = ()
    #: False when the synced history does not reach the previous window (no rank changes)
    previous_known: bool = False

    def of(self, agent_id: int) -> AgentBoard | None:
        return next((a for a in self.agents if a.agent_id == agent_id), None)


def talk_state(agent_state: str | None, call_status: str | None) -> str | None:
    """One word for an agents_activity row: a call in progress wins over availability."""
    if call_status == "on_call":
        return "on call"
    if call_status == "wrap_up":
        return "wrap-up"
    if agent_state is None:
        return None
    return agent_state.replace("_", " ")


def _talk_states(activity: pl.DataFrame | None) -> dict[int, str | None]:
    if activity is None or activity.height == 0:
        return {}
    rows = activity.select("agent_id", "agent_state", "call_status").iter_rows()
    return {int(a): talk_state(s, c) for a, s, c in rows if a is not None}


def _solved_daily(p: Parts) -> dict[object, np.ndarray]:
    cube = p.table("solves").cube
    w = p.w
    data = cube.data[w.window_slot : w.today_slot + 1, ..., cube.names.index("n")]
    # cube.data is (slots, agents, sums): one column of counts per agent label
    return {label: data[:, i] for i, label in enumerate(cube.labels[0])}


def board(p: Parts, previous: Previous | None, activity: pl.DataFrame | None) -> Board:
    daily = _solved_daily(p)
    roster = [a for a, _ in p.people.roster]
    ranks = previous.ranks(roster) if previous is not None else {}
    states = _talk_states(activity)
    days = len(p.w.dates)
    out = []
    for agent in roster:
        counts = daily.get(agent)
        solved = (0,) * days if counts is None else tuple(int(x) for x in counts)
        out.append(AgentBoard(agent, solved, ranks.get(agent), states.get(agent)))
    return Board(tuple(out), previous is not None and previous.known)
