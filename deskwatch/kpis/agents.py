"""Per-agent KPIs for the window (KPIS.md ``agents``): group-bys joined onto the agent list."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.csat import rated
from deskwatch.kpis.tickets import live, reply_value, resolution_value
from deskwatch.kpis.windows import Windows, in_window
from deskwatch.store import Frames

ID = pl.Int64


def agent_list(users: pl.DataFrame) -> pl.LazyFrame:
    return (
        users.lazy()
        .filter(pl.col("role").is_in(["agent", "admin"]))
        .select(pl.col("id").alias("agent_id"), "name")
    )


def answered_inbound(calls: pl.DataFrame) -> pl.LazyFrame:
    return calls.lazy().filter(pl.col("outcome") == "answered")


def agent_kpis(frames: Frames, cfg: Config, w: Windows) -> list[dict[str, Any]]:
    tickets = live(frames.tickets)
    reply, res = reply_value(cfg), resolution_value(cfg)
    solved = (
        tickets.filter(in_window("solve_time", w))
        .group_by(pl.col("assignee_id").alias("agent_id"))
        .agg(
            pl.len().alias("solved"),
            (pl.col("replies") == 1).sum().alias("one_touch"),
            pl.col(res).mean().alias("full_resolution_minutes_mean"),
        )
    )
    replies = (
        tickets.filter(in_window("first_reply_at", w) & pl.col(reply).is_not_null())
        .group_by(pl.col("assignee_id").alias("agent_id"))
        .agg(pl.col(reply).median().alias("first_reply_minutes_median"))
    )
    csat = (
        rated(frames.ratings)
        .filter(in_window("updated_at", w))
        .group_by(pl.col("assignee_id").alias("agent_id"))
        .agg(
            (pl.col("score") == "good").sum().alias("csat_good"),
            (pl.col("score") == "bad").sum().alias("csat_bad"),
        )
    )
    calls = (
        answered_inbound(frames.calls)
        .filter(in_window("created_at", w))
        .group_by("agent_id")
        .agg(
            pl.len().alias("calls_accepted"),
            pl.col("talk_time").mean().alias("talk_time_seconds_mean"),
        )
    )
    table = agent_list(frames.users)
    for part in (solved, replies, csat, calls):
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
    cols = [
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
    ]
    return table.select(cols).collect().to_dicts()
