"""Talk KPIs (KPIS.md ``talk``): calls and legs dated by ``created_at``; outcome from ingest."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.stats import daily_counts
from deskwatch.kpis.windows import Windows, event_query, r_today, r_window
from deskwatch.store.schema import QUEUE_FIELDS

UNSUCCESSFUL = ("exceeded_wait", "voicemail", "abandoned", "not_answered")
ANSWERED_MEANS = {
    "time_to_answer_seconds_mean": "time_to_answer",
    "talk_time_seconds_mean": "talk_time",
    "hold_time_seconds_mean": "hold_time",
    "wrap_up_time_seconds_mean": "wrap_up_time",
}
CALL_COLUMNS: list[str | pl.Expr] = [
    "outcome",
    "agent_id",
    "completion_status",
    "has_quality_issue",
    "wait_time",
    *ANSWERED_MEANS.values(),
]


def call_query(calls: pl.DataFrame, w: Windows) -> pl.LazyFrame:
    """Calls (any direction) created within the covered span, with ``slot``."""
    return event_query(calls.lazy(), w, "created_at", CALL_COLUMNS)


def call_events(calls: pl.DataFrame, w: Windows) -> pl.DataFrame:
    return call_query(calls, w).collect()


def leg_query(legs: pl.DataFrame, w: Windows) -> pl.LazyFrame:
    """Agent legs with talk time > 0 created within the covered span: talk_time, slot."""
    agent = legs.lazy().filter((pl.col("type") == "agent") & (pl.col("talk_time") > 0))
    return event_query(agent, w, "created_at", ["talk_time"])


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def queue_kpis(queue: pl.DataFrame) -> dict[str, Any] | None:
    if queue.height == 0:
        return None
    row = queue.sort("fetched_at").row(-1, named=True)
    return {k: _num(row[k]) for k in QUEUE_FIELDS}


def _efficiency(calls: pl.DataFrame, legs: pl.DataFrame, rng: pl.Expr) -> dict[str, Any]:
    answered = pl.col("outcome") == "answered"
    inbound = pl.col("outcome").is_not_null()
    exprs = [
        pl.col(src).filter(rng & answered).mean().alias(name)
        for name, src in ANSWERED_MEANS.items()
    ]
    exprs.append(pl.col("wait_time").filter(rng & inbound).mean().alias("wait_time_seconds_mean"))
    out = calls.select(exprs).row(0, named=True)
    out["leg_talk_time_seconds_mean"] = legs.select(pl.col("talk_time").filter(rng).mean()).item()
    return out


def _top_agents(ev: pl.DataFrame, users: pl.DataFrame, w: Windows) -> list[dict[str, Any]]:
    names = users.lazy().select(pl.col("id").alias("agent_id"), "name")
    return (
        ev.lazy()
        .filter(r_window(w) & (pl.col("outcome") == "answered"))
        .filter(pl.col("agent_id").is_not_null() & (pl.col("agent_id") != 0))
        .group_by("agent_id")
        .agg(
            pl.len().alias("calls_accepted"),
            pl.col("talk_time").sum().alias("talk_time_seconds_total"),
            pl.col("talk_time").mean().alias("talk_time_seconds_mean"),
        )
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


def talk_kpis(
    calls_ev: pl.DataFrame,
    legs_ev: pl.DataFrame,
    queue: pl.DataFrame,
    users: pl.DataFrame,
    w: Windows,
) -> dict[str, Any]:
    """``calls_ev``/``legs_ev``: :func:`call_query`/:func:`leg_query`, collected."""
    outcome = pl.col("outcome")
    inbound_ev = calls_ev.filter(outcome.is_not_null())
    exprs: list[pl.Expr] = []
    for rname, rng in (("today", r_today(w)), ("window", r_window(w))):
        exprs += [rng.sum().alias(f"inbound_{rname}")]
        exprs += [(rng & (outcome == "answered")).sum().alias(f"answered_{rname}")]
        exprs += [(rng & (outcome == o)).sum().alias(f"{rname}_{o}") for o in UNSUCCESSFUL]
    row = inbound_ev.select(exprs).row(0, named=True)
    per_day = daily_counts(inbound_ev, w, {o: (outcome == o).sum() for o in UNSUCCESSFUL})
    quality = daily_counts(
        calls_ev.filter(pl.col("completion_status") == "completed"),
        w,
        {"calls": pl.len(), "with_issues": pl.col("has_quality_issue").sum()},
    )
    agent_legs = legs_ev
    quality_daily = []
    for d, q in zip(w.dates, quality, strict=True):
        n, bad = int(q["calls"]), int(q["with_issues"])
        quality_daily.append(
            {
                "date": d.isoformat(),
                "calls": n,
                "with_issues": bad,
                "rate": None if n == 0 else 1 - bad / n,
            }
        )
    return {
        "queue": queue_kpis(queue),
        "inbound": {"today": int(row["inbound_today"]), "window": int(row["inbound_window"])},
        "answered": {"today": int(row["answered_today"]), "window": int(row["answered_window"])},
        "unsuccessful": {
            "today": {o: int(row[f"today_{o}"]) for o in UNSUCCESSFUL},
            "window": {o: int(row[f"window_{o}"]) for o in UNSUCCESSFUL},
            "daily": [
                {"date": d.isoformat(), **{o: int(r[o]) for o in UNSUCCESSFUL}}
                for d, r in zip(w.dates, per_day, strict=True)
            ],
        },
        "efficiency": {
            "today": _efficiency(calls_ev, agent_legs, r_today(w)),
            "window": _efficiency(calls_ev, agent_legs, r_window(w)),
        },
        "top_agents": _top_agents(calls_ev, users, w),
        "quality_daily": quality_daily,
    }
