"""Ticket KPIs (KPIS.md ``tickets``).

One narrow pass over every live ticket gives the current counts; everything dated works on
small *event* frames (tickets created / first-replied / solved within the covered span), cut
once per compute and shared with the per-agent KPIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.stats import daily_counts, range_stats, rate
from deskwatch.kpis.windows import Windows, event_query, r_today, r_window, r_yesterday_same_time

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
UNSOLVED = ("new", "open", "pending", "hold")
TYPES = ("question", "incident", "problem", "task")


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


@dataclass(frozen=True)
class TicketEvents:
    """What one compute needs from the ticket frame, cut in a single pass over it.

    Event frames hold ticket events within [earliest range start, now] with their local
    ``slot``; ``current`` holds the counts over all live tickets.
    """

    created: pl.DataFrame  # created_at, type, channel, reopens, slot
    replies: pl.DataFrame  # first_reply_at, value, assignee_id, slot (value not null)
    solves: pl.DataFrame  # solve_time, value (resolution minutes), replies, assignee_id, slot
    ended: pl.DataFrame  # backlog_end before now, slot
    current: dict[str, Any]


def ticket_queries(tickets: pl.DataFrame, cfg: Config, w: Windows) -> list[pl.LazyFrame]:
    """Lazy queries over all tickets; collect them together (``pl.collect_all``)."""
    # Each query folds "not deleted" into its own predicate: a shared filtered frame would be
    # a common subplan that polars materialises in full (all columns) before the queries run.
    lf = tickets.lazy()
    alive = pl.col("status") != "deleted"
    reply, res = reply_value(cfg), resolution_value(cfg)
    status = pl.col("status")
    unsolved = status.is_in(list(UNSOLVED))
    counts = [(status == s).sum().alias(s) for s in STATUSES]
    counts += [
        (unsolved & pl.col("assignee_id").is_null()).sum().alias("unassigned"),
        (alive & (pl.col("created_at") < w.window_start)).sum().alias("created_before"),
        (alive & (pl.col("backlog_end") < w.window_start)).sum().alias("ended_before"),
    ]
    escalated = lf.filter(unsolved).select(escalated_expr(cfg).sum().alias("escalated"))
    # the rows with any event in the covered span (a backlog end implies one of them)
    recent = lf.filter(
        alive & (w.covered("created_at") | w.covered("first_reply_at") | w.covered("solve_time"))
    ).select(
        "created_at",
        "first_reply_at",
        "solve_time",
        "backlog_end",
        "type",
        "channel",
        "reopens",
        "replies",
        "assignee_id",
        pl.col(reply).alias("reply_value"),
        pl.col(res).alias("res_value"),
    )
    return [lf.select(counts), escalated, recent]


def ticket_events_from(collected: list[pl.DataFrame], w: Windows) -> TicketEvents:
    counts, escalated, recent_df = collected
    current = counts.row(0, named=True)
    current["escalated"] = int(escalated.item() or 0)
    recent = recent_df.lazy()
    created, replies, solves, ended = pl.collect_all(
        [
            event_query(recent, w, "created_at", ["created_at", "type", "channel", "reopens"]),
            event_query(
                recent.filter(pl.col("reply_value").is_not_null()),
                w,
                "first_reply_at",
                ["first_reply_at", pl.col("reply_value").alias("value"), "assignee_id"],
            ),
            event_query(
                recent,
                w,
                "solve_time",
                ["solve_time", pl.col("res_value").alias("value"), "replies", "assignee_id"],
            ),
            event_query(recent.filter(pl.col("backlog_end") < w.now), w, "backlog_end", []),
        ]
    )
    return TicketEvents(created, replies, solves, ended, current)


def ticket_events(tickets: pl.DataFrame, cfg: Config, w: Windows) -> TicketEvents:
    return ticket_events_from(pl.collect_all(ticket_queries(tickets, cfg, w)), w)


def _backlog_daily(ev: TicketEvents, w: Windows) -> list[dict[str, Any]]:
    """unsolved(t) = #created before t  -  #(solved tickets with max(created, solve) before t)."""
    before_now = ev.created.filter(pl.col("created_at") < w.now)
    created = daily_counts(before_now, w, {"n": pl.len()})
    ended = daily_counts(ev.ended, w, {"n": pl.len()})
    c = list(accumulate(d["n"] for d in created))
    e = list(accumulate(d["n"] for d in ended))
    base = int(ev.current["created_before"]) - int(ev.current["ended_before"])
    return [{"date": d.isoformat(), "unsolved": base + c[i] - e[i]} for i, d in enumerate(w.dates)]


def _by(created: pl.DataFrame, col: str, w: Windows) -> dict[Any, int]:
    counts = (
        created.lazy()
        .filter(r_window(w))
        .group_by(pl.col(col).alias("k"))
        .agg(pl.len().alias("n"))
        .collect()
    )
    return {k: int(n) for k, n in counts.iter_rows()}


def _tri(ev: pl.DataFrame, ts: str, w: Windows) -> dict[str, int]:
    row = ev.select(
        r_today(w).sum().alias("today"),
        r_yesterday_same_time(w, ts).sum().alias("yesterday_same_time"),
        r_window(w).sum().alias("window"),
    ).row(0, named=True)
    return {k: int(v) for k, v in row.items()}


def ticket_kpis(
    tickets: pl.DataFrame, cfg: Config, w: Windows, ev: TicketEvents | None = None
) -> dict[str, Any]:
    ev = ev or ticket_events(tickets, cfg, w)
    row = ev.current
    by_type_raw = _by(ev.created, "type", w)
    by_type = {t: by_type_raw.get(t, 0) for t in TYPES}
    by_type["none"] = by_type_raw.get(None, 0)
    by_channel = {
        str(k if k is not None else "unknown"): v for k, v in _by(ev.created, "channel", w).items()
    }
    created, solved = _tri(ev.created, "created_at", w), _tri(ev.solves, "solve_time", w)
    reopened = ev.created.filter(r_window(w) & (pl.col("reopens") >= 1)).height
    one_touch = ev.solves.filter(r_window(w) & (pl.col("replies") == 1)).height
    unsolved = sum(int(row[s]) for s in UNSOLVED)
    return {
        "status": {s: int(row[s]) for s in STATUSES},
        "unsolved": unsolved,
        "unassigned": int(row["unassigned"]),
        "escalated": int(row["escalated"]),
        "created": created,
        "solved": solved,
        "first_reply_minutes": range_stats(ev.replies, "value", w),
        "full_resolution_minutes": range_stats(ev.solves, "value", w),
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
        "backlog_daily": _backlog_daily(ev, w),
    }
