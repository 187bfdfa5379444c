"""Talk KPIs (KPIS.md ``talk``): calls dated by ``created_at``, outcome derived at ingest."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.stats import daily_counts, rate
from deskwatch.kpis.windows import Windows, in_today, in_window
from deskwatch.store import Frames
from deskwatch.store.schema import QUEUE_FIELDS

UNSUCCESSFUL = ("exceeded_wait", "voicemail", "abandoned", "not_answered")
ANSWERED_MEANS = {
    "time_to_answer_seconds_mean": "time_to_answer",
    "talk_time_seconds_mean": "talk_time",
    "hold_time_seconds_mean": "hold_time",
    "wrap_up_time_seconds_mean": "wrap_up_time",
}


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def queue_kpis(queue: pl.DataFrame) -> dict[str, Any] | None:
    if queue.height == 0:
        return None
    row = queue.sort("fetched_at").row(-1, named=True)
    return {k: _num(row[k]) for k in QUEUE_FIELDS}


def _efficiency(calls: pl.LazyFrame, legs: pl.LazyFrame, cond: Any, w: Windows) -> dict[str, Any]:
    answered = pl.col("outcome") == "answered"
    inbound = pl.col("outcome").is_not_null()
    exprs = [
        pl.col(src).filter(cond("created_at", w) & answered).mean().alias(name)
        for name, src in ANSWERED_MEANS.items()
    ]
    exprs.append(
        pl.col("wait_time")
        .filter(cond("created_at", w) & inbound)
        .mean()
        .alias("wait_time_seconds_mean")
    )
    out = calls.select(exprs).collect().row(0, named=True)
    out["leg_talk_time_seconds_mean"] = (
        legs.filter(cond("created_at", w) & (pl.col("type") == "agent") & (pl.col("talk_time") > 0))
        .select(pl.col("talk_time").mean())
        .collect()
        .item()
    )
    return out


def _out(row: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k: int(row.get(f"{prefix}{k}", 0) or 0) for k in UNSUCCESSFUL}


def talk_kpis(frames: Frames, w: Windows) -> dict[str, Any]:
    calls = frames.calls.lazy()
    legs = frames.legs.lazy()
    outcome = pl.col("outcome")
    inbound = outcome.is_not_null()
    exprs: list[pl.Expr] = []
    for rname, cond in (("today", in_today), ("window", in_window)):
        rng = cond("created_at", w)
        exprs += [
            (rng & inbound).sum().alias(f"inbound_{rname}"),
            (rng & (outcome == "answered")).sum().alias(f"answered_{rname}"),
        ]
        exprs += [(rng & (outcome == o)).sum().alias(f"{rname}_{o}") for o in UNSUCCESSFUL]
    row = calls.select(exprs).collect().row(0, named=True)
    per_day = daily_counts(
        calls.filter(inbound), "created_at", w, {o: (outcome == o).sum() for o in UNSUCCESSFUL}
    )
    quality = daily_counts(
        calls.filter(pl.col("completion_status") == "completed"),
        "created_at",
        w,
        {"calls": pl.len(), "with_issues": pl.col("has_quality_issue").sum()},
    )
    names = frames.users.lazy().select(pl.col("id").alias("agent_id"), "name")
    top = (
        calls.filter(in_window("created_at", w) & (outcome == "answered"))
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
    unsuccessful_daily = []
    quality_daily = []
    for i, d in enumerate(w.dates):
        iso = d.isoformat()
        unsuccessful_daily.append({"date": iso, **_out(per_day.get(i, {}), "")})
        q = quality.get(i, {})
        n, bad = int(q.get("calls", 0)), int(q.get("with_issues", 0) or 0)
        quality_daily.append(
            {"date": iso, "calls": n, "with_issues": bad, "rate": None if n == 0 else 1 - bad / n}
        )
    return {
        "queue": queue_kpis(frames.queue),
        "inbound": {"today": int(row["inbound_today"]), "window": int(row["inbound_window"])},
        "answered": {"today": int(row["answered_today"]), "window": int(row["answered_window"])},
        "unsuccessful": {
            "today": _out(row, "today_"),
            "window": _out(row, "window_"),
            "daily": unsuccessful_daily,
        },
        "efficiency": {
            "today": _efficiency(calls, legs, in_today, w),
            "window": _efficiency(calls, legs, in_window, w),
        },
        "top_agents": top,
        "quality_daily": quality_daily,
    }


__all__ = ["rate", "talk_kpis"]
