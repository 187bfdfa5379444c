"""One agent against the team over the KPI window (the agents dashboard's Enter).

Pure: the agent's row of the leaderboard and the snapshot's team figures side by side, each
with which way is good, so the screen can mark where the agent is ahead of the team.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskwatch.format import fmt_count, fmt_minutes, fmt_ratio, fmt_seconds
from deskwatch.kpis.snapshot import KpiSnapshot
from deskwatch.views.agents import AgentRow, spark


@dataclass(frozen=True)
class Comparison:
    label: str
    agent: str
    team: str
    #: "ahead", "behind" or "" (no comparison: a missing value, or no good direction)
    verdict: str
    #: the KPIS.md agents field it shows (drill-down: catalogue.AGENT_DRILLS)
    field: str | None = None


@dataclass(frozen=True)
class AgentPageView:
    agent_id: int
    title: str
    rows: tuple[Comparison, ...]
    trend: str


def _verdict(mine: float | None, team: float | None, up_is_good: bool) -> str:
    if mine is None or team is None or mine == team:
        return ""
    return "ahead" if (mine > team) == up_is_good else "behind"


def page(row: AgentRow, snap: KpiSnapshot) -> AgentPageView:
    a, t = row.kpis, snap.tickets
    active = [x for x in snap.agents if x.solved]
    team_solved = t.solved.window / len(active) if active else None
    talk = snap.talk
    team_calls = None
    team_talk = None
    if talk is not None:
        answering = [x for x in snap.agents if x.calls_accepted]
        team_calls = talk.answered.window / len(answering) if answering else None
        team_talk = talk.efficiency.window.talk_time_seconds_mean
    rated = a.csat_good + a.csat_bad
    rows = [
        Comparison(
            "Solved (team: per agent who solved)",
            fmt_count(a.solved),
            fmt_count(team_solved),
            _verdict(a.solved, team_solved, True),
            "solved",
        ),
        Comparison(
            "First reply median",
            fmt_minutes(a.first_reply_minutes_median),
            fmt_minutes(t.first_reply_minutes.window.median),
            _verdict(a.first_reply_minutes_median, t.first_reply_minutes.window.median, False),
            "first_reply_minutes_median",
        ),
        Comparison(
            "Resolution mean",
            fmt_minutes(a.full_resolution_minutes_mean),
            fmt_minutes(t.full_resolution_minutes.window.mean),
            _verdict(a.full_resolution_minutes_mean, t.full_resolution_minutes.window.mean, False),
        ),
        Comparison(
            "CSAT",
            f"{fmt_ratio(a.csat_score)} of {rated}",
            f"{fmt_ratio(snap.csat.score)} of {snap.csat.good + snap.csat.bad}",
            _verdict(a.csat_score, snap.csat.score, True),
        ),
        Comparison(
            "One-touch",
            fmt_ratio(a.one_touch_rate),
            fmt_ratio(t.one_touch.rate),
            _verdict(a.one_touch_rate, t.one_touch.rate, True),
        ),
    ]
    if talk is not None:
        rows += [
            Comparison(
                "Calls accepted (team: per agent who answered)",
                fmt_count(a.calls_accepted),
                fmt_count(team_calls),
                _verdict(a.calls_accepted, team_calls, True),
            ),
            Comparison(
                "Talk time mean",
                fmt_seconds(a.talk_time_seconds_mean),
                fmt_seconds(team_talk),
                "",
            ),
        ]
    rank = f"rank {row.rank}" if row.rank is not None else "idle"
    state = f" · Talk: {row.talk_state}" if row.talk_state else ""
    title = f"{row.name} · {rank} · last {len(snap.tickets.backlog_daily)} days{state}"
    return AgentPageView(row.agent_id, title, tuple(rows), spark(row.solved_daily))
