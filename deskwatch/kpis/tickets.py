"""Ticket KPIs (KPIS.md ``tickets``): the aggregates they need and the figures built from them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.agg import Sums, Values
from deskwatch.kpis.parts import Parts
from deskwatch.kpis.stats import rate
from deskwatch.kpis.windows import Windows, _lit, local_midnight, micros
from deskwatch.store.schema import PRIORITY

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
UNSOLVED = ("new", "open", "pending", "hold")
TYPES = ("question", "incident", "problem", "task")
TIMESTAMPS = ("created_at", "first_reply_at", "solve_time", "backlog_end")

ALIVE = pl.col("status") != "deleted"


def first_reply_minutes_column(cfg: Config) -> str:
    """The store column holding each ticket's first reply time in minutes under the time basis
    (named after Zendesk's ``metric_set.reply_time_in_minutes``, as stored in the cache)."""
    return f"reply_minutes_{cfg.kpis.time_basis}"


def full_resolution_minutes_column(cfg: Config) -> str:
    return f"full_resolution_minutes_{cfg.kpis.time_basis}"


def escalated_expr(cfg: Config) -> pl.Expr:
    # compared as the Enum (a cast to strings costs more than the whole test); a priority
    # Zendesk does not have can never match
    prios = [p for p in cfg.escalation.priorities if p in PRIORITY.categories]
    tags = list(cfg.escalation.tags)
    by_prio = pl.col("priority").is_in(pl.Series(prios, dtype=PRIORITY).implode()).fill_null(False)
    if not tags:
        return by_prio
    by_tag = pl.any_horizontal(pl.col("tags").list.contains(t) for t in tags).fill_null(False)
    return by_prio | by_tag


def ticket_specs(cfg: Config, w: Windows) -> list[Sums | Values]:
    unsolved = pl.col("status").is_in(list(UNSOLVED))
    reply = pl.col(first_reply_minutes_column(cfg))
    res = pl.col(full_resolution_minutes_column(cfg))
    current = {s: pl.col("status") == s for s in STATUSES}
    current |= {
        "unassigned": unsolved & pl.col("assignee_id").is_null(),
        "created_before": pl.col("created_at") < _lit(w.first_start),
        "ended_before": pl.col("backlog_end") < _lit(w.first_start),
    }
    return [
        Sums("current", None, ALIVE, (), current),
        # its own spec so the tag test only runs over unsolved tickets
        Sums("escalated", None, unsolved, (), {"escalated": escalated_expr(cfg)}),
        Sums(
            "created",
            "created_at",
            ALIVE,
            ("type", "channel"),
            {"reopened": pl.col("reopens") >= 1},
        ),
        Sums(
            "solves",
            "solve_time",
            ALIVE,
            ("assignee_id",),
            {
                "one_touch": pl.col("replies") == 1,
                "res_sum": res,
                "res_n": res.is_not_null(),
            },
        ),
        Sums("ended", "backlog_end", ALIVE, ()),
        Values(
            "first_reply_minutes",
            "first_reply_at",
            ALIVE & reply.is_not_null(),
            reply,
            "assignee_id",
        ),
        Values("full_resolution_minutes", "solve_time", ALIVE & res.is_not_null(), res),
    ]


def moments(p: Parts) -> dict[str, np.ndarray]:
    """The fresh live tickets' created/solve/backlog-end instants (``ts_us``, µs since the
    epoch, -1 when absent) with their local ``ts_slot`` and ``ts_hour``."""
    return p.fresh["tickets"]


def in_day(p: Parts, ts: str, day: int) -> np.ndarray:
    """Fresh tickets whose ``ts`` falls on slot ``day``, at or before ``now``."""
    m = moments(p)
    return (m[f"{ts}_slot"] == day) & (m[f"{ts}_us"] >= 0) & (m[f"{ts}_us"] <= micros(p.w.now))


def _tri(p: Parts, table: str, ts: str) -> dict[str, int]:
    w = p.w
    n = p.table(table).per_slot("n")
    yesterday = in_day(p, ts, w.today_slot - 1) & (
        moments(p)[f"{ts}_us"] < micros(w.yesterday_same_time)
    )
    return {
        "today": int(n[w.today_slot]),
        "yesterday_same_time": int(yesterday.sum()),
        "window": int(n[w.window_slot :].sum()),
    }


def _range_stats(p: Parts, name: str) -> dict[str, Any]:
    w = p.w
    return {
        "today": p.stats(name, ("d", w.today_slot)),
        "yesterday": p.stats(name, ("d", w.today_slot - 1)),
        "month_to_date": p.stats(name, ("m", 0)),
        "window": p.stats(name, ("w", 0)),
        "daily": [
            {"date": d.isoformat(), **p.stats(name, ("d", w.window_slot + i))}
            for i, d in enumerate(w.dates)
        ],
    }


def _backlog_daily(p: Parts, current: dict[str, int]) -> list[dict[str, Any]]:
    """unsolved(end of day) = #created before it - #(solved, max(created, solve) before it)."""
    w = p.w
    created, ended = p.table("created").per_slot("n"), p.table("ended").per_slot("n")
    base = current["created_before"] - current["ended_before"]
    base += int(created[: w.window_slot].sum() - ended[: w.window_slot].sum())
    unsolved = base + np.cumsum(created[w.window_slot :]) - np.cumsum(ended[w.window_slot :])
    return [{"date": d.isoformat(), "unsolved": int(unsolved[i])} for i, d in enumerate(w.dates)]


def cost_per_ticket(p: Parts, monthly_cost: float) -> float | None:
    """KPIS.md ``tickets.cost_per_ticket``: the month's cost so far (``monthly_cost`` times the
    elapsed share of this local month, in real time) over the tickets solved month to date;
    None when no cost is configured (0) or nothing was solved."""
    w = p.w
    solved = int(p.table("solves").per_slot("n")[w.month_slot :].sum())
    if not monthly_cost or not solved:
        return None
    month = w.now_local.date().replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    length = local_midnight(following, w.tz) - w.month_start
    elapsed = w.now - w.month_start
    return monthly_cost * (elapsed / length) / solved


def ticket_kpis(p: Parts, monthly_cost: float = 0.0) -> dict[str, Any]:
    current = p.current("current") | {"escalated": p.current("escalated")["escalated"]}
    w = p.w
    table = p.table("created")
    by_type_raw = {k: v for k, (v,) in table.by("type", ("n",), w.window_slot).items()}
    by_type = {t: int(by_type_raw.get(t, 0)) for t in TYPES}
    by_type["none"] = int(by_type_raw.get(None, 0))
    by_channel = {
        str(k if k is not None else "unknown"): int(v)
        for k, (v,) in table.by("channel", ("n",), w.window_slot).items()
    }
    created, solved = _tri(p, "created", "created_at"), _tri(p, "solves", "solve_time")
    reopened = int(p.table("created").per_slot("reopened")[w.window_slot :].sum())
    one_touch = int(p.table("solves").per_slot("one_touch")[w.window_slot :].sum())
    return {
        "status": {s: current[s] for s in STATUSES},
        "unsolved": sum(current[s] for s in UNSOLVED),
        "unassigned": current["unassigned"],
        "escalated": current["escalated"],
        "created": created,
        "solved": solved,
        "first_reply_minutes": _range_stats(p, "first_reply_minutes"),
        "full_resolution_minutes": _range_stats(p, "full_resolution_minutes"),
        "reopened": {
            "count": reopened,
            "of_created": created["window"],
            "rate": rate(reopened, created["window"]),
        },
        "one_touch": {
            "count": one_touch,
            "of_solved": solved["window"],
            "rate": rate(one_touch, solved["window"]),
        },
        "by_type": by_type,
        "by_channel": dict(sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0]))),
        "backlog_daily": _backlog_daily(p, current),
        "cost_per_ticket": cost_per_ticket(p, monthly_cost),
    }
