"""Per-agent KPIs for the window (KPIS.md ``agents``): small aggregates joined onto the agents."""

from __future__ import annotations

from typing import Any

from deskwatch.kpis.parts import Parts

COLUMNS = (
    "agent_id",
    "name",
    "solved",
    "first_reply_minutes_median",
    "full_resolution_minutes_mean",
    "csat_good",
    "csat_bad",
    "csat_score",
    "one_touch_rate",
    "calls_accepted",
    "talk_time_seconds_mean",
)


def _ratio(num: Any, den: Any) -> float | None:
    return None if not den else num / den


def agent_kpis(p: Parts) -> list[dict[str, Any]]:
    """One row per agent (KPIS.md ``agents``), most solved first."""
    w = p.w
    window = w.window_slot
    solved = p.table("solves").by("assignee_id", ("n", "one_touch", "res_sum", "res_n"), window)
    rated = p.table("csat").by("assignee_id", ("n", "good", "bad"), window)
    calls = p.table("accepted").by("agent_id", ("n", "talk_time_sum", "talk_time_n"), window)
    rows: list[dict[str, Any]] = []
    for agent_id, name in p.people.roster:
        n, one_touch, res_sum, res_n = solved.get(agent_id, (0, 0, 0.0, 0))
        _, good, bad = rated.get(agent_id, (0, 0, 0))
        n_calls, talk_sum, talk_n = calls.get(agent_id, (0, 0.0, 0))
        rows.append(
            {
                "agent_id": agent_id,
                "name": name,
                "solved": int(n),
                "first_reply_minutes_median": p.median("first_reply_minutes", ("a", agent_id)),
                "full_resolution_minutes_mean": _ratio(res_sum, res_n),
                "csat_good": int(good),
                "csat_bad": int(bad),
                "csat_score": _ratio(good, good + bad),
                "one_touch_rate": _ratio(one_touch, n),
                "calls_accepted": int(n_calls),
                "talk_time_seconds_mean": _ratio(talk_sum, talk_n),
            }
        )
    # most solved, then best CSAT (none last), then agent id
    rows.sort(
        key=lambda r: (
            -r["solved"],
            r["csat_score"] is None,
            -(r["csat_score"] or 0.0),
            r["agent_id"],
        )
    )
    return rows
