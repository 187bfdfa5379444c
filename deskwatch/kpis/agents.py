"""Per-agent KPIs for the window (KPIS.md ``agents``): group-bys joined onto the agent list."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.tickets import TicketEvents
from deskwatch.kpis.windows import Windows, r_window

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


def agent_kpis(
    users: pl.DataFrame,
    tickets: TicketEvents,
    ratings: pl.DataFrame,
    calls: pl.DataFrame,
    w: Windows,
) -> list[dict[str, Any]]:
    """``ratings``/``calls``: the rating and call event frames (with ``slot``)."""
    by_agent = pl.col("assignee_id").alias("agent_id")
    solved = (
        tickets.solves.lazy()
        .filter(r_window(w))
        .group_by(by_agent)
        .agg(
            pl.len().alias("solved"),
            (pl.col("replies") == 1).sum().alias("one_touch"),
            pl.col("value").mean().alias("full_resolution_minutes_mean"),
        )
    )
    replies = (
        tickets.replies.lazy()
        .filter(r_window(w))
        .group_by(by_agent)
        .agg(pl.col("value").median().alias("first_reply_minutes_median"))
    )
    csat = (
        ratings.lazy()
        .filter(r_window(w))
        .group_by(by_agent)
        .agg(
            (pl.col("score") == "good").sum().alias("csat_good"),
            (pl.col("score") == "bad").sum().alias("csat_bad"),
        )
    )
    accepted = (
        calls.lazy()
        .filter(r_window(w) & (pl.col("outcome") == "answered"))
        .group_by("agent_id")
        .agg(
            pl.len().alias("calls_accepted"),
            pl.col("talk_time").mean().alias("talk_time_seconds_mean"),
        )
    )
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
