"""Ticket KPIs (KPIS.md ``tickets``): the aggregates they need and the figures built from them."""

from __future__ import annotations

from itertools import accumulate
from typing import Any

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.agg import Sums, Values, dated
from deskwatch.kpis.parts import Parts, per_slot
from deskwatch.kpis.stats import rate
from deskwatch.kpis.windows import Windows, _lit

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
UNSOLVED = ("new", "open", "pending", "hold")
TYPES = ("question", "incident", "problem", "task")
TIMESTAMPS = ("created_at", "first_reply_at", "solve_time", "backlog_end")

ALIVE = pl.col("status") != "deleted"
ONE = pl.lit(1, dtype=pl.Int64)


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


def _count(flag: pl.Expr) -> pl.Expr:
    return flag.fill_null(False).cast(pl.Int64)


def ticket_specs(cfg: Config, w: Windows) -> list[Sums | Values]:
    unsolved = pl.col("status").is_in(list(UNSOLVED))
    reply, res = pl.col(reply_value(cfg)), pl.col(resolution_value(cfg))
    current = {s: _count(pl.col("status") == s) for s in STATUSES}
    current |= {
        "unassigned": _count(unsolved & pl.col("assignee_id").is_null()),
        "escalated": _count(unsolved & escalated_expr(cfg)),
        "created_before": _count(pl.col("created_at") < _lit(w.first_start)),
        "ended_before": _count(pl.col("backlog_end") < _lit(w.first_start)),
        "n": ONE,
    }
    return [
        Sums("current", None, ALIVE, (), current),
        Sums(
            "created",
            "created_at",
            ALIVE,
            ("type", "channel"),
            {"n": ONE, "reopened": _count(pl.col("reopens") >= 1)},
        ),
        Sums(
            "solves",
            "solve_time",
            ALIVE,
            ("assignee_id",),
            {
                "n": ONE,
                "one_touch": _count(pl.col("replies") == 1),
                "res_sum": res.fill_null(0.0),
                "res_n": _count(res.is_not_null()),
            },
        ),
        Sums("ended", "backlog_end", ALIVE, (), {"n": ONE}),
        Values("reply", "first_reply_at", ALIVE & reply.is_not_null(), reply, "assignee_id"),
        Values("resolution", "solve_time", ALIVE & res.is_not_null(), res),
    ]


def _yesterday_same_time(p: Parts, ts: str) -> int:
    w = p.w
    lf = p.fresh["tickets"].lazy().filter(ALIVE & (pl.col(ts) < _lit(w.yesterday_same_time)))
    day = w.today_slot - 1
    return dated(lf, ts, w, day, day, None).select(pl.len()).collect().item()


def _tri(p: Parts, table: str, ts: str) -> dict[str, int]:
    n = per_slot(p.sums[table], "n")
    w = p.w
    return {
        "today": n.get(w.today_slot, 0),
        "yesterday_same_time": _yesterday_same_time(p, ts),
        "window": sum(v for s, v in n.items() if w.window_slot <= s <= w.today_slot),
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
    created, ended = per_slot(p.sums["created"], "n"), per_slot(p.sums["ended"], "n")
    base = current["created_before"] - current["ended_before"]
    base += sum(n for s, n in created.items() if s < w.window_slot)
    base -= sum(n for s, n in ended.items() if s < w.window_slot)
    days = range(w.window_slot, w.window_slot + len(w.dates))
    c = list(accumulate(created.get(s, 0) for s in days))
    e = list(accumulate(ended.get(s, 0) for s in days))
    return [{"date": d.isoformat(), "unsolved": base + c[i] - e[i]} for i, d in enumerate(w.dates)]


def _by(window_created: pl.DataFrame, col: str) -> dict[Any, int]:
    grouped = window_created.group_by(pl.col(col).alias("k")).agg(pl.col("n").sum())
    return {k: int(n) for k, n in grouped.iter_rows()}


def ticket_kpis(p: Parts) -> dict[str, Any]:
    current = p.current("current")
    w = p.w
    in_window = pl.col("slot").is_between(w.window_slot, w.today_slot)
    window_created = p.sums["created"].filter(in_window)
    by_type_raw = _by(window_created, "type")
    by_type = {t: by_type_raw.get(t, 0) for t in TYPES}
    by_type["none"] = by_type_raw.get(None, 0)
    by_channel = {
        str(k if k is not None else "unknown"): v for k, v in _by(window_created, "channel").items()
    }
    created, solved = _tri(p, "created", "created_at"), _tri(p, "solves", "solve_time")
    reopened = int(window_created.get_column("reopened").sum())
    one_touch = int(p.sums["solves"].filter(in_window).get_column("one_touch").sum())
    return {
        "status": {s: current[s] for s in STATUSES},
        "unsolved": sum(current[s] for s in UNSOLVED),
        "unassigned": current["unassigned"],
        "escalated": current["escalated"],
        "created": created,
        "solved": solved,
        "first_reply_minutes": _range_stats(p, "reply"),
        "full_resolution_minutes": _range_stats(p, "resolution"),
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
    }
