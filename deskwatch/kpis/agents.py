"""Per-agent KPIs for the window (KPIS.md ``agents``): small aggregates joined onto the agents."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.parts import Parts, window
from deskwatch.kpis.talk import accepted_by_agent

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


def agent_list(users: pl.DataFrame) -> pl.LazyFrame:
    """Users with role agent or admin: agent_id, name."""
    return (
        users.lazy()
        .filter(pl.col("role").is_in(["agent", "admin"]))
        .select(pl.col("id").alias("agent_id"), "name")
    )


def agent_kpis(p: Parts, users: pl.DataFrame) -> list[dict[str, Any]]:
    by_agent = pl.col("assignee_id").alias("agent_id")
    solved = (
        window(p.sums["solves"].lazy(), p.w)
        .group_by(by_agent)
        .agg(pl.col("n", "one_touch", "res_sum", "res_n").sum())
        .select(
            "agent_id",
            pl.col("n").alias("solved"),
            "one_touch",
            pl.when(pl.col("res_n") > 0)
            .then(pl.col("res_sum") / pl.col("res_n"))
            .alias("full_resolution_minutes_mean"),
        )
    )
    agents = p.buckets("reply", "a")
    replies = pl.LazyFrame(
        {
            "agent_id": agents,
            "first_reply_minutes_median": [p.median("reply", ("a", a)) for a in agents],
        },
        schema={"agent_id": pl.Int64, "first_reply_minutes_median": pl.Float64},
    )
    csat = (
        window(p.sums["csat"].lazy(), p.w)
        .group_by(by_agent)
        .agg(pl.col("good").sum().alias("csat_good"), pl.col("bad").sum().alias("csat_bad"))
    )
    accepted = accepted_by_agent(p).drop("talk_time_seconds_total")
    table = agent_list(users)
    for part in (solved, replies, csat, accepted):
        table = table.join(part, on="agent_id", how="left")
    good, bad = pl.col("csat_good").fill_null(0), pl.col("csat_bad").fill_null(0)
    n_solved = pl.col("solved").fill_null(0)
    table = table.with_columns(
        n_solved.cast(pl.Int64).alias("solved"),
        good.cast(pl.Int64).alias("csat_good"),
        bad.cast(pl.Int64).alias("csat_bad"),
        pl.when(good + bad > 0).then(good / (good + bad)).otherwise(None).alias("csat_score"),
        pl.when(n_solved > 0)
        .then(pl.col("one_touch").fill_null(0) / n_solved)
        .otherwise(None)
        .alias("one_touch_rate"),
        pl.col("calls_accepted").fill_null(0).cast(pl.Int64),
    ).sort(
        ["solved", "csat_score", "agent_id"],
        descending=[True, True, False],
        nulls_last=True,
    )
    return table.select(COLUMNS).collect().to_dicts()
