"""Talk KPIs (KPIS.md ``talk``): calls and legs dated by ``created_at``; outcome from ingest."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.agg import Sums
from deskwatch.kpis.parts import Parts, per_slot, window
from deskwatch.store.schema import QUEUE_FIELDS

TIMESTAMPS = ("created_at",)
UNSUCCESSFUL = ("exceeded_wait", "voicemail", "abandoned", "not_answered")
ANSWERED_MEANS = {
    "time_to_answer_seconds_mean": "time_to_answer",
    "talk_time_seconds_mean": "talk_time",
    "hold_time_seconds_mean": "hold_time",
    "wrap_up_time_seconds_mean": "wrap_up_time",
}
ONE = pl.lit(1, dtype=pl.Int64)


def _sum_and_n(col: str) -> dict[str, pl.Expr]:
    return {
        f"{col}_sum": pl.col(col).fill_null(0.0),
        f"{col}_n": pl.col(col).is_not_null().cast(pl.Int64),
    }


def call_specs() -> list[Sums]:
    completed = (pl.col("completion_status") == "completed").fill_null(False)
    by_outcome = {
        "n": ONE,
        "completed": completed.cast(pl.Int64),
        "with_issues": (completed & pl.col("has_quality_issue").fill_null(False)).cast(pl.Int64),
        **_sum_and_n("wait_time"),
    }
    for col in ANSWERED_MEANS.values():
        by_outcome |= _sum_and_n(col)
    answered = pl.col("outcome") == "answered"
    return [
        Sums("calls", "created_at", pl.lit(True), ("outcome",), by_outcome),
        Sums(
            "accepted", "created_at", answered, ("agent_id",), {"n": ONE, **_sum_and_n("talk_time")}
        ),
    ]


def leg_specs() -> list[Sums]:
    agent = (pl.col("type") == "agent") & (pl.col("talk_time") > 0)
    return [Sums("legs", "created_at", agent, (), {"n": ONE, **_sum_and_n("talk_time")})]


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


def _efficiency(calls: pl.DataFrame, legs: pl.DataFrame) -> dict[str, Any]:
    answered = calls.filter(pl.col("outcome") == "answered").select(pl.exclude("outcome").sum())
    inbound = calls.filter(pl.col("outcome").is_not_null()).select(pl.exclude("outcome").sum())
    a, i = answered.row(0, named=True), inbound.row(0, named=True)
    out = {name: _mean(a[f"{c}_sum"], a[f"{c}_n"]) for name, c in ANSWERED_MEANS.items()}
    out["wait_time_seconds_mean"] = _mean(i["wait_time_sum"], i["wait_time_n"])
    leg = legs.select(pl.col("talk_time_sum", "talk_time_n").sum()).row(0)
    out["leg_talk_time_seconds_mean"] = _mean(*leg)
    return out


def accepted_by_agent(p: Parts) -> pl.DataFrame:
    """agent_id, calls_accepted, talk_time_seconds_total, talk_time_seconds_mean (window)."""
    return (
        window(p.sums["accepted"], p.w)
        .group_by("agent_id")
        .agg(pl.col("n", "talk_time_sum", "talk_time_n").sum())
        .select(
            "agent_id",
            pl.col("n").alias("calls_accepted"),
            pl.col("talk_time_sum").alias("talk_time_seconds_total"),
            pl.when(pl.col("talk_time_n") > 0)
            .then(pl.col("talk_time_sum") / pl.col("talk_time_n"))
            .alias("talk_time_seconds_mean"),
        )
    )


def _top_agents(p: Parts, users: pl.DataFrame) -> list[dict[str, Any]]:
    names = users.lazy().select(pl.col("id").alias("agent_id"), "name")
    return (
        accepted_by_agent(p)
        .lazy()
        .filter(pl.col("agent_id").is_not_null() & (pl.col("agent_id") != 0))
        .sort(
            ["calls_accepted", "talk_time_seconds_total", "agent_id"],
            descending=[True, True, False],
        )
        .head(8)
        .join(names, on="agent_id", how="left", maintain_order="left")
        .select(
            "agent_id",
            "name",
            "calls_accepted",
            "talk_time_seconds_total",
            "talk_time_seconds_mean",
        )
        .collect()
        .to_dicts()
    )


def talk_kpis(p: Parts, queue: pl.DataFrame, users: pl.DataFrame) -> dict[str, Any]:
    w = p.w
    calls, legs = p.sums["calls"], p.sums["legs"]
    inbound = calls.filter(pl.col("outcome").is_not_null())
    by_day_outcome = {
        (s, o): int(n)
        for s, o, n in inbound.group_by("slot", "outcome").agg(pl.col("n").sum()).iter_rows()
    }
    today, days = w.today_slot, range(w.window_slot, w.today_slot + 1)

    def count(slots: range, outcome: str | None = None) -> int:
        return sum(n for (s, o), n in by_day_outcome.items() if s in slots and outcome in (None, o))

    quality = per_slot(calls, "completed")
    issues = per_slot(calls, "with_issues")
    quality_daily = []
    for i, d in enumerate(w.dates):
        n, bad = int(quality.get(w.window_slot + i, 0)), int(issues.get(w.window_slot + i, 0))
        quality_daily.append(
            {
                "date": d.isoformat(),
                "calls": n,
                "with_issues": bad,
                "rate": None if n == 0 else 1 - bad / n,
            }
        )
    on_today = pl.col("slot") == today
    return {
        "queue": queue_kpis(queue),
        "inbound": {"today": count(range(today, today + 1)), "window": count(days)},
        "answered": {
            "today": count(range(today, today + 1), "answered"),
            "window": count(days, "answered"),
        },
        "unsuccessful": {
            "today": {o: count(range(today, today + 1), o) for o in UNSUCCESSFUL},
            "window": {o: count(days, o) for o in UNSUCCESSFUL},
            "daily": [
                {
                    "date": d.isoformat(),
                    **{o: by_day_outcome.get((w.window_slot + i, o), 0) for o in UNSUCCESSFUL},
                }
                for i, d in enumerate(w.dates)
            ],
        },
        "efficiency": {
            "today": _efficiency(calls.filter(on_today), legs.filter(on_today)),
            "window": _efficiency(window(calls, w), window(legs, w)),
        },
        "top_agents": _top_agents(p, users),
        "quality_daily": quality_daily,
    }
