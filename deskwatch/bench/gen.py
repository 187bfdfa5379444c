"""Columnar synthetic data for the KPI benchmark: frames built straight from numpy arrays.

Shapes follow the store schemas exactly (``deskwatch.store.schema``); the distribution is a
plausible helpdesk: ``history_days`` of tickets, most older ones solved, ratings on ~20% of
tickets, 0.5 inbound/outbound calls per ticket with one agent leg each, 200 agents.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from deskwatch.store.schema import (
    OUTCOME,
    PRIORITY,
    SCORE,
    STATUS,
    TICKET_TYPE,
    UTC_TS,
    call_outcome,
    derive_tickets,
    schema_of,
)

US = 1_000_000
CHANNELS = ["email", "web", "api", "voice", "chat", "mobile", "native_messaging", "sample_ticket"]
TAG_SETS: list[list[str] | None] = [
    [],
    ["billing"],
    ["vip"],
    ["escalated"],
    ["billing", "vip"],
    None,
]
#: subject stems as long as real subjects (30-60 characters)
SUBJECTS = [
    f"{what} {n}: {detail}"
    for n, (what, detail) in enumerate(
        (w, d)
        for w in ("Refund request", "Cannot log in", "Invoice question", "Bug report", "Order")
        for d in (
            "charged twice for the annual plan",
            "password reset email never arrives",
            "VAT number missing on the PDF",
            "app crashes when uploading a photo",
            "delivery is two weeks late, please advise",
        )
    )
]
AGENTS = 200
AGENT_BASE = 10_000_000


def _ts(values_us: np.ndarray) -> pl.Series:
    return pl.Series(values_us.astype(np.int64)).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def _choice(rng: np.random.Generator, n: int, options: list[str], p: list[float]) -> np.ndarray:
    return rng.choice(np.array(options, dtype=object), size=n, p=p)


def tickets(
    n: int, now: datetime, rng: np.random.Generator, days: int = 90, id0: int = 1
) -> pl.DataFrame:
    now_us = int(now.timestamp() * US)
    span = days * 86_400 * US
    created = now_us - rng.integers(0, span, n)
    age_days = (now_us - created) / (86_400 * US)
    solve_delay = rng.exponential(86_400 * US * 1.2, n).astype(np.int64)
    solved_mask = (rng.random(n) < np.clip(0.35 + age_days / 10, 0, 0.93)) & (
        created + solve_delay < now_us
    )
    solved_at = np.where(solved_mask, created + solve_delay, 0)
    closed = solved_mask & (age_days > 4) & (rng.random(n) < 0.8)
    open_status = _choice(rng, n, ["new", "open", "pending", "hold"], [0.15, 0.55, 0.22, 0.08])
    status = np.where(closed, "closed", np.where(solved_mask, "solved", open_status))
    deleted = rng.random(n) < 0.002
    status = np.where(deleted, "deleted", status)
    reply = rng.exponential(180, n).round()
    has_reply = (rng.random(n) < 0.9) & (created + reply * 60 * US < now_us)
    full_res = np.where(solved_mask, (solved_at - created) / (60 * US), np.nan).round()
    updated = np.maximum(created, np.where(solved_mask, solved_at, created)) + rng.integers(
        0, 3600 * US, n
    )
    updated = np.minimum(updated, now_us - 60 * US)
    assignee = np.where(rng.random(n) < 0.9, AGENT_BASE + rng.integers(0, AGENTS, n), -1)
    df = pl.DataFrame(
        {
            "id": np.arange(id0, id0 + n, dtype=np.int64),
            "created_at": _ts(created),
            "updated_at": _ts(updated),
            "generated_timestamp": (updated // US).astype(np.int64),
            "status": pl.Series(status.astype(str)).cast(STATUS),
            "type": pl.Series(
                _choice(
                    rng,
                    n,
                    ["question", "incident", "problem", "task", ""],
                    [0.4, 0.3, 0.05, 0.1, 0.15],
                ).astype(str)
            ).cast(TICKET_TYPE, strict=False),
            "priority": pl.Series(
                _choice(
                    rng, n, ["urgent", "high", "normal", "low", ""], [0.03, 0.15, 0.6, 0.12, 0.1]
                ).astype(str)
            ).cast(PRIORITY, strict=False),
            # near-unique, as real subjects are (an order or invoice number in most)
            "subject": pl.Series("subject", SUBJECTS).gather(
                pl.Series(rng.integers(0, len(SUBJECTS), n).astype(np.uint32))
            )
            + pl.Series(rng.integers(10_000, 10_000_000, n))
            .cast(pl.String)
            .str.pad_start(8, " ")
            .str.replace("^ *", " #"),
            "channel": pl.Series(
                _choice(rng, n, CHANNELS, [0.4, 0.2, 0.1, 0.1, 0.1, 0.05, 0.04, 0.01]).astype(str)
            ),
            "assignee_id": pl.Series(assignee).replace(-1, None),
            "group_id": pl.Series(rng.integers(1, 9, n).astype(np.int64)),
            "requester_id": pl.Series(rng.integers(1, n // 3 + 2, n).astype(np.int64)),
            "organization_id": pl.Series(rng.integers(1, 500, n).astype(np.int64)),
            "brand_id": pl.Series(np.ones(n, dtype=np.int64)),
            "tags": pl.Series("tags", TAG_SETS, dtype=pl.List(pl.String)).gather(
                pl.Series(
                    rng.choice(len(TAG_SETS), n, p=[0.5, 0.2, 0.1, 0.05, 0.1, 0.05]).astype(
                        np.uint32
                    )
                )
            ),
            "reopens": pl.Series((rng.random(n) < 0.08).astype(np.int64)),
            "replies": pl.Series(rng.integers(0, 4, n).astype(np.int64)),
            "solved_at": _ts(solved_at).set(pl.Series(~solved_mask), None),
            "reply_minutes_calendar": pl.Series(np.where(has_reply, reply, np.nan)).fill_nan(None),
            "reply_minutes_business": pl.Series(
                np.where(has_reply, (reply * 0.6).round(), np.nan)
            ).fill_nan(None),
            "full_resolution_minutes_calendar": pl.Series(full_res).fill_nan(None),
            "full_resolution_minutes_business": pl.Series(full_res * 0.5).round().fill_nan(None),
        }
    )
    df = derive_tickets(df)
    df = df.sort("updated_at")  # arrival order of a real incremental export
    return df.select(schema_of("tickets").names()).cast(dict(schema_of("tickets")))  # type: ignore[arg-type]


def ratings(t: pl.DataFrame, now: datetime, rng: np.random.Generator) -> pl.DataFrame:
    """Ratings on a quarter of the solved tickets, within a day of the solve (never after now)."""
    picked = t.filter(pl.col("solve_time").is_not_null()).sample(
        fraction=0.25, seed=int(rng.integers(1 << 31))
    )
    n = picked.height
    delay = pl.Series(rng.integers(0, 86_400 * US, n)).cast(pl.Duration("us"))
    when = (picked.get_column("solve_time") + delay).clip(upper_bound=now - timedelta(seconds=60))
    score = _choice(rng, n, ["good", "bad", "offered"], [0.7, 0.12, 0.18]).astype(str)
    return pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "ticket_id": picked.get_column("id"),
            "assignee_id": picked.get_column("assignee_id"),
            "group_id": picked.get_column("group_id"),
            "score": pl.Series(score).cast(SCORE),
            "created_at": when,
            "updated_at": when,
            # from the id, so the generator's stream (and every later table) stays the same
            "has_comment": (np.arange(1, n + 1) * 2654435761 % 100)
            < np.where(score == "bad", 60, 20),
        }
    ).cast(dict(schema_of("ratings")))  # type: ignore[arg-type]


def calls_and_legs(
    n_tickets: int, now: datetime, rng: np.random.Generator, days: int = 90
) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = n_tickets // 2
    now_us = int(now.timestamp() * US)
    created = now_us - rng.integers(60 * US, days * 86_400 * US, n)
    status = _choice(
        rng,
        n,
        ["completed", "abandoned_in_queue", "abandoned_in_ivr", "failed", "abandoned_in_voicemail"],
        [0.8, 0.08, 0.04, 0.05, 0.03],
    ).astype(str)
    agent = AGENT_BASE + rng.integers(0, AGENTS, n)
    talk = rng.exponential(300, n).round()
    calls = pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "created_at": _ts(created),
            "updated_at": _ts(created + 600 * US),
            "direction": pl.Series(
                _choice(rng, n, ["inbound", "outbound"], [0.8, 0.2]).astype(str)
            ),
            "completion_status": pl.Series(status),
            "agent_id": pl.Series(np.where(status == "completed", agent, 0).astype(np.int64)),
            "ticket_id": pl.Series(rng.integers(1, n_tickets + 1, n).astype(np.int64)),
            "voicemail": pl.Series(rng.random(n) < 0.03),
            "exceeded_queue_wait_time": pl.Series(rng.random(n) < 0.02),
            "duration": pl.Series(talk + 30),
            "wait_time": pl.Series(rng.exponential(40, n).round()),
            "time_to_answer": pl.Series(rng.exponential(25, n).round()),
            "talk_time": pl.Series(talk),
            "hold_time": pl.Series(rng.exponential(20, n).round()),
            "wrap_up_time": pl.Series(rng.exponential(60, n).round()),
            "has_quality_issue": pl.Series(rng.random(n) < 0.05),
        }
    ).with_columns(call_outcome().alias("outcome"))
    calls = calls.select(schema_of("calls").names()).cast(dict(schema_of("calls")))  # type: ignore[arg-type]
    legs = pl.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "call_id": np.arange(1, n + 1, dtype=np.int64),
            "type": pl.Series(["agent"] * 1).gather(pl.Series(np.zeros(n, dtype=np.uint32))),
            "agent_id": pl.Series(agent.astype(np.int64)),
            "user_id": pl.Series(agent.astype(np.int64)),
            "created_at": _ts(created),
            "updated_at": _ts(created + 600 * US),
            "completion_status": pl.Series(status),
            "duration": pl.Series(talk + 30),
            "talk_time": pl.Series(talk),
            "hold_time": pl.Series(np.zeros(n)),
            "wrap_up_time": pl.Series(np.zeros(n)),
        }
    ).cast(dict(schema_of("legs")))  # type: ignore[arg-type]
    _ = OUTCOME
    return calls, legs


def users(rng: np.random.Generator, end_users: int = 10_000) -> pl.DataFrame:
    n = AGENTS + end_users
    ids = np.concatenate([AGENT_BASE + np.arange(AGENTS), 1 + np.arange(end_users)]).astype(
        np.int64
    )
    role = ["admin"] * 5 + ["agent"] * (AGENTS - 5) + ["end-user"] * end_users
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    return pl.DataFrame(
        {
            "id": ids,
            "name": [f"Agent {i}" for i in range(AGENTS)]
            + [f"Customer {i}" for i in range(end_users)],
            "role": role,
            "active": [True] * n,
            "suspended": [False] * n,
            "default_group_id": pl.Series([1] * n, dtype=pl.Int64),
            "updated_at": pl.Series([stamp] * n, dtype=UTC_TS),
        }
    ).cast(dict(schema_of("users")))  # type: ignore[arg-type]


def changed_tickets(
    t: pl.DataFrame, k: int, now: datetime, rng: np.random.Generator
) -> pl.DataFrame:
    """``k`` existing tickets in a newer version (status moved on, updated just now).

    Like a real incremental export batch, these are tickets last updated recently (the 5%
    most recently updated), not a uniform sample of all history.
    """
    recent = t.filter(pl.col("updated_at") >= pl.col("updated_at").quantile(0.95))
    pick = recent.sample(n=k, seed=int(rng.integers(1 << 31)))
    later = now - timedelta(seconds=30)
    return pick.with_columns(
        pl.lit(later).cast(UTC_TS).alias("updated_at"),
        (pl.col("generated_timestamp") + 1),
        pl.lit("open").cast(STATUS).alias("status"),
        pl.lit(None, dtype=UTC_TS).alias("solve_time"),
        pl.lit(None, dtype=UTC_TS).alias("backlog_end"),
    )
