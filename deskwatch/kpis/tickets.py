"""Ticket KPIs (KPIS.md ``tickets``): one columnar pass for the scalars, group-bys for series."""

from __future__ import annotations

from itertools import accumulate
from typing import Any

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.stats import daily_counts, daily_stats, rate, stats_exprs, stats_from_row
from deskwatch.kpis.windows import (
    Windows,
    between,
    in_month,
    in_today,
    in_window,
    in_yesterday,
    in_yesterday_same_time,
)

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
UNSOLVED = ("new", "open", "pending", "hold")
TYPES = ("question", "incident", "problem", "task")
RANGES = {
    "today": in_today,
    "yesterday": in_yesterday,
    "month_to_date": in_month,
    "window": in_window,
}


def live(tickets: pl.DataFrame) -> pl.LazyFrame:
    """The ticket universe: newest versions (the store keeps only those), minus deleted."""
    return tickets.lazy().filter(pl.col("status") != "deleted")


def reply_value(cfg: Config) -> str:
    return f"reply_minutes_{cfg.kpis.time_basis}"


def resolution_value(cfg: Config) -> str:
    return f"full_resolution_minutes_{cfg.kpis.time_basis}"


def escalated_expr(cfg: Config) -> pl.Expr:
    prios = list(cfg.escalation.priorities)
    tags = list(cfg.escalation.tags)
    by_prio = pl.col("priority").cast(pl.String).is_in(prios).fill_null(False)
    if not tags:
        return by_prio
    by_tag = pl.col("tags").list.eval(pl.element().is_in(tags)).list.any().fill_null(False)
    return by_prio | by_tag


def _scalars(lf: pl.LazyFrame, cfg: Config, w: Windows) -> dict[str, Any]:
    status = pl.col("status")
    unsolved = status.is_in(list(UNSOLVED))
    reply, res = reply_value(cfg), resolution_value(cfg)
    created_w = in_window("created_at", w)
    solved_w = in_window("solve_time", w)
    exprs: list[pl.Expr] = [(status == s).sum().alias(f"status_{s}") for s in STATUSES]
    exprs += [
        unsolved.sum().alias("unsolved"),
        (unsolved & pl.col("assignee_id").is_null()).sum().alias("unassigned"),
    ]
    for name, col in (("created", "created_at"), ("solved", "solve_time")):
        exprs += [
            in_today(col, w).sum().alias(f"{name}_today"),
            in_yesterday_same_time(col, w).sum().alias(f"{name}_yesterday_same_time"),
            in_window(col, w).sum().alias(f"{name}_window"),
        ]
    for rname, rng in RANGES.items():
        exprs += stats_exprs(reply, rng("first_reply_at", w), f"fr_{rname}_")
        exprs += stats_exprs(res, rng("solve_time", w), f"res_{rname}_")
    exprs += [
        (created_w & (pl.col("reopens") >= 1)).sum().alias("reopened"),
        (solved_w & (pl.col("replies") == 1)).sum().alias("one_touch"),
        (pl.col("created_at") < w.window_start).sum().alias("backlog_created_before"),
        (pl.col("backlog_end") < w.window_start).sum().alias("backlog_ended_before"),
    ]
    row = lf.select(exprs).collect().row(0, named=True)
    escalated = lf.filter(unsolved).select(escalated_expr(cfg).sum().alias("n")).collect().item()
    row["escalated"] = int(escalated or 0)
    return row


def _backlog_daily(lf: pl.LazyFrame, w: Windows, row: dict[str, Any]) -> list[dict[str, Any]]:
    n = len(w.dates)
    recent = lf.filter(pl.col("created_at") < w.now)
    created = daily_counts(recent, "created_at", w, {"n": pl.len()})
    ended = daily_counts(
        lf.filter(pl.col("backlog_end") < w.now), "backlog_end", w, {"n": pl.len()}
    )
    c = accumulate((created.get(i, {}).get("n", 0) for i in range(n)), initial=0)
    e = accumulate((ended.get(i, {}).get("n", 0) for i in range(n)), initial=0)
    base = int(row["backlog_created_before"]) - int(row["backlog_ended_before"])
    out = []
    for i, (ci, ei) in enumerate(zip(list(c)[1:], list(e)[1:], strict=True)):
        out.append({"date": w.dates[i].isoformat(), "unsolved": base + ci - ei})
    return out


def _by(lf: pl.LazyFrame, col: str, w: Windows) -> dict[str, int]:
    counts = (
        lf.filter(in_window("created_at", w))
        .group_by(pl.col(col).cast(pl.String).alias("k"))
        .agg(pl.len().alias("n"))
        .collect()
    )
    return {k: int(n) for k, n in counts.iter_rows()}


def ticket_kpis(tickets: pl.DataFrame, cfg: Config, w: Windows) -> dict[str, Any]:
    lf = live(tickets)
    row = _scalars(lf, cfg, w)
    by_type_raw = _by(lf, "type", w)
    by_type = {t: by_type_raw.get(t, 0) for t in TYPES}
    by_type["none"] = by_type_raw.get(None, 0)  # type: ignore[call-overload]
    by_channel = {
        str(k if k is not None else "unknown"): v for k, v in _by(lf, "channel", w).items()
    }
    reply, res = reply_value(cfg), resolution_value(cfg)

    def series(prefix: str, ts: str, value: str) -> dict[str, Any]:
        out: dict[str, Any] = {r: stats_from_row(row, f"{prefix}_{r}_") for r in RANGES}
        out["daily"] = daily_stats(lf, ts, value, w)
        return out

    created_w, solved_w = int(row["created_window"]), int(row["solved_window"])
    return {
        "status": {s: int(row[f"status_{s}"]) for s in STATUSES},
        "unsolved": int(row["unsolved"]),
        "unassigned": int(row["unassigned"]),
        "escalated": row["escalated"],
        "created": {
            "today": int(row["created_today"]),
            "yesterday_same_time": int(row["created_yesterday_same_time"]),
            "window": created_w,
        },
        "solved": {
            "today": int(row["solved_today"]),
            "yesterday_same_time": int(row["solved_yesterday_same_time"]),
            "window": solved_w,
        },
        "first_reply_minutes": series("fr", "first_reply_at", reply),
        "full_resolution_minutes": series("res", "solve_time", res),
        "reopened": {
            "count": int(row["reopened"]),
            "of_created": created_w,
            "rate": rate(int(row["reopened"]), created_w),
        },
        "one_touch": {
            "count": int(row["one_touch"]),
            "of_solved": solved_w,
            "rate": rate(int(row["one_touch"]), solved_w),
        },
        "by_type": by_type,
        "by_channel": dict(sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))),
        "backlog_daily": _backlog_daily(lf, w, row),
    }


__all__ = ["between", "live", "ticket_kpis"]
