"""Talk KPIs (KPIS.md ``talk``): calls and legs dated by ``created_at``; outcome from ingest."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.agg import Sums
from deskwatch.kpis.parts import Parts, Table
from deskwatch.kpis.windows import _lit
from deskwatch.store.schema import QUEUE_FIELDS

TIMESTAMPS = ("created_at",)
UNSUCCESSFUL = ("exceeded_wait", "voicemail", "abandoned", "not_answered")
ANSWERED_MEANS = {
    "time_to_answer_seconds_mean": "time_to_answer",
    "talk_time_seconds_mean": "talk_time",
    "hold_time_seconds_mean": "hold_time",
    "wrap_up_time_seconds_mean": "wrap_up_time",
}


def _sum_and_n(col: str) -> dict[str, pl.Expr]:
    return {
        f"{col}_sum": pl.col(col),
        f"{col}_n": pl.col(col).is_not_null(),
    }


def call_specs() -> list[Sums]:
    completed = (pl.col("completion_status") == "completed").fill_null(False)
    by_outcome = {
        "completed": completed,
        "with_issues": completed & pl.col("has_quality_issue").fill_null(False),
        **_sum_and_n("wait_time"),
    }
    for col in ANSWERED_MEANS.values():
        by_outcome |= _sum_and_n(col)
    answered = pl.col("outcome") == "answered"
    return [
        Sums("calls", "created_at", pl.lit(True), ("outcome",), by_outcome),
        Sums("accepted", "created_at", answered, ("agent_id",), _sum_and_n("talk_time")),
    ]


def leg_specs() -> list[Sums]:
    agent = (pl.col("type") == "agent") & (pl.col("talk_time") > 0)
    return [Sums("legs", "created_at", agent, (), _sum_and_n("talk_time"))]


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def queue_kpis(queue: pl.DataFrame) -> dict[str, Any] | None:
    if queue.height == 0:
        return None
    row = queue.sort("fetched_at").row(-1, named=True)
    return {k: _num(row[k]) for k in QUEUE_FIELDS}


def _mean(total: Any, n: Any) -> float | None:
    return None if not n else float(total) / float(n)


def _efficiency(calls: Table, legs: Table, slots: slice, inbound: list[Any]) -> dict[str, Any]:
    def total(table: Table, col: str, **select: Any) -> float:
        return float(table.per_slot(col, **select)[slots].sum())

    answered = ["answered"]
    out = {
        name: _mean(
            total(calls, f"{c}_sum", outcome=answered), total(calls, f"{c}_n", outcome=answered)
        )
        for name, c in ANSWERED_MEANS.items()
    }
    out["wait_time_seconds_mean"] = _mean(
        total(calls, "wait_time_sum", outcome=inbound), total(calls, "wait_time_n", outcome=inbound)
    )
    out["leg_talk_time_seconds_mean"] = _mean(
        total(legs, "talk_time_sum"), total(legs, "talk_time_n")
    )
    return out


def _top_agents(p: Parts) -> list[dict[str, Any]]:
    totals = p.table("accepted").by(
        "agent_id", ("n", "talk_time_sum", "talk_time_n"), p.w.window_slot
    )
    busy = [(a, t) for a, t in totals.items() if a is not None and a != 0 and t[0] > 0]
    # most calls accepted, then most talk time, then agent id
    top = sorted(busy, key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:8]
    return [
        {
            "agent_id": agent_id,
            "name": p.people.names.get(agent_id),
            "calls_accepted": int(n),
            "talk_time_seconds_total": float(talk_sum),
            "talk_time_seconds_mean": _mean(talk_sum, talk_n),
        }
        for agent_id, (n, talk_sum, talk_n) in top
    ]


def utilization_today(p: Parts, activity: pl.DataFrame) -> float | None:
    """KPIS.md ``talk.utilization_today``: (Σ total_talk_time + Σ total_wrap_up_time) /
    Σ online_time over the newest agents_activity rows fetched today (Zendesk's activity
    figures are today's; rows fetched before local midnight belong to another day)."""
    fetched = pl.col("fetched_at")
    today = activity.filter((fetched >= _lit(p.w.today_start)) & (fetched <= _lit(p.w.now))).select(
        (
            pl.col("total_talk_time").fill_null(0).sum()
            + pl.col("total_wrap_up_time").fill_null(0).sum()
        ).alias("busy"),
        pl.col("online_time").fill_null(0).sum().alias("online"),
    )
    busy, online = today.row(0)
    return None if not online else float(busy) / float(online)


def talk_kpis(p: Parts, queue: pl.DataFrame, activity: pl.DataFrame) -> dict[str, Any]:
    w = p.w
    calls, legs = p.table("calls"), p.table("legs")
    today, days = slice(w.today_slot, w.today_slot + 1), slice(w.window_slot, None)
    per_day = {o: calls.per_slot("n", outcome=[o]) for o in (*UNSUCCESSFUL, "answered")}
    inbound_outcomes = [o for o in calls.cube.labels[0] if o is not None]
    inbound = calls.per_slot("n", outcome=inbound_outcomes)
    completed, issues = calls.per_slot("completed"), calls.per_slot("with_issues")
    quality_daily = []
    for i, d in enumerate(w.dates):
        n, bad = int(completed[w.window_slot + i]), int(issues[w.window_slot + i])
        rate = None if n == 0 else 1 - bad / n
        quality_daily.append({"date": d.isoformat(), "calls": n, "with_issues": bad, "rate": rate})
    return {
        "queue": queue_kpis(queue),
        "inbound": {"today": int(inbound[today].sum()), "window": int(inbound[days].sum())},
        "answered": {
            "today": int(per_day["answered"][today].sum()),
            "window": int(per_day["answered"][days].sum()),
        },
        "unsuccessful": {
            "today": {o: int(per_day[o][today].sum()) for o in UNSUCCESSFUL},
            "window": {o: int(per_day[o][days].sum()) for o in UNSUCCESSFUL},
            "daily": [
                {
                    "date": d.isoformat(),
                    **{o: int(per_day[o][w.window_slot + i]) for o in UNSUCCESSFUL},
                }
                for i, d in enumerate(w.dates)
            ],
        },
        "efficiency": {
            "today": _efficiency(calls, legs, today, inbound_outcomes),
            "window": _efficiency(calls, legs, days, inbound_outcomes),
        },
        "top_agents": _top_agents(p),
        "quality_daily": quality_daily,
        "utilization_today": utilization_today(p, activity),
    }
