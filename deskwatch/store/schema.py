"""Explicit Polars schemas per stream and the builders that turn raw Zendesk dicts into frames.

Each builder extracts columns from one batch with a list comprehension per column (batch-level
Python, never per refresh), casts with explicit dtypes (unknown enum values become null rather
than errors), and adds the derived columns once: first-reply instant, solve time, call outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import polars as pl

from deskwatch.stamps import to_micros
from deskwatch.stream_registry import STREAMS

UTC_TS = pl.Datetime("us", "UTC")
STATUS = pl.Enum(["new", "open", "pending", "hold", "solved", "closed", "deleted"])
TICKET_TYPE = pl.Enum(["question", "incident", "problem", "task"])
PRIORITY = pl.Enum(["urgent", "high", "normal", "low"])
SCORE = pl.Enum(["offered", "unoffered", "good", "bad"])
OUTCOMES = ("answered", "exceeded_wait", "voicemail", "abandoned", "not_answered")
OUTCOME = pl.Enum(list(OUTCOMES))

Record = dict[str, Any]
Getter = Callable[[Record], Any]


def _path(*keys: str) -> Getter:
    if len(keys) == 1:
        key = keys[0]
        return lambda r: r.get(key)

    def get(r: Record) -> Any:
        value: Any = r
        for k in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(k)
        return value

    return get


# column name -> (getter, raw dtype). Strings for timestamps are parsed afterwards.
_TS = "ts"
Spec = dict[str, tuple[Getter, Any]]

TICKET_SPEC: Spec = {
    "id": (_path("id"), pl.Int64),
    "created_at": (_path("created_at"), _TS),
    "updated_at": (_path("updated_at"), _TS),
    "generated_timestamp": (_path("generated_timestamp"), pl.Int64),
    "status": (_path("status"), STATUS),
    "type": (_path("type"), TICKET_TYPE),
    "priority": (_path("priority"), PRIORITY),
    "subject": (_path("subject"), pl.String),  # for drill-down listings
    "channel": (_path("via", "channel"), pl.String),
    "assignee_id": (_path("assignee_id"), pl.Int64),
    "group_id": (_path("group_id"), pl.Int64),
    "requester_id": (_path("requester_id"), pl.Int64),
    "organization_id": (_path("organization_id"), pl.Int64),
    "brand_id": (_path("brand_id"), pl.Int64),
    "tags": (_path("tags"), pl.List(pl.String)),
    "reopens": (_path("metric_set", "reopens"), pl.Int64),
    "replies": (_path("metric_set", "replies"), pl.Int64),
    "solved_at": (_path("metric_set", "solved_at"), _TS),
    "reply_minutes_calendar": (
        _path("metric_set", "reply_time_in_minutes", "calendar"),
        pl.Float64,
    ),
    "reply_minutes_business": (
        _path("metric_set", "reply_time_in_minutes", "business"),
        pl.Float64,
    ),
    "full_resolution_minutes_calendar": (
        _path("metric_set", "full_resolution_time_in_minutes", "calendar"),
        pl.Float64,
    ),
    "full_resolution_minutes_business": (
        _path("metric_set", "full_resolution_time_in_minutes", "business"),
        pl.Float64,
    ),
}
RATING_SPEC: Spec = {
    "id": (_path("id"), pl.Int64),
    "ticket_id": (_path("ticket_id"), pl.Int64),
    "assignee_id": (_path("assignee_id"), pl.Int64),
    "group_id": (_path("group_id"), pl.Int64),
    "score": (_path("score"), SCORE),
    "created_at": (_path("created_at"), _TS),
    "updated_at": (_path("updated_at"), _TS),
    # whether the requester wrote a comment (the drill-down shows it; the text is not kept);
    # null: the record does not say
    "has_comment": (
        lambda r: None if "comment" not in r else bool((r["comment"] or "").strip()),
        pl.Boolean,
    ),
}
#: columns added to a stream after caches were written without them: such a cache file reads
#: them as null (unknown) instead of being re-synced
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {"ratings": ("has_comment",)}
_CALL_SECONDS = (
    "duration",
    "wait_time",
    "time_to_answer",
    "talk_time",
    "hold_time",
    "wrap_up_time",
)
CALL_SPEC: Spec = {
    "id": (_path("id"), pl.Int64),
    "created_at": (_path("created_at"), _TS),
    "updated_at": (_path("updated_at"), _TS),
    "direction": (_path("direction"), pl.String),
    "completion_status": (_path("completion_status"), pl.String),
    "agent_id": (_path("agent_id"), pl.Int64),
    "ticket_id": (_path("ticket_id"), pl.Int64),
    "voicemail": (_path("voicemail"), pl.Boolean),
    "exceeded_queue_wait_time": (_path("exceeded_queue_wait_time"), pl.Boolean),
    **{name: (_path(name), pl.Float64) for name in _CALL_SECONDS},
    "quality_issues": (_path("quality_issues"), pl.List(pl.String)),
}
LEG_SPEC: Spec = {
    "id": (_path("id"), pl.Int64),
    "call_id": (_path("call_id"), pl.Int64),
    "type": (_path("type"), pl.String),
    "agent_id": (_path("agent_id"), pl.Int64),
    "user_id": (_path("user_id"), pl.Int64),
    "created_at": (_path("created_at"), _TS),
    "updated_at": (_path("updated_at"), _TS),
    "completion_status": (_path("completion_status"), pl.String),
    **{name: (_path(name), pl.Float64) for name in ("duration", "talk_time", "hold_time")},
    "wrap_up_time": (_path("wrap_up_time"), pl.Float64),
}
USER_SPEC: Spec = {
    "id": (_path("id"), pl.Int64),
    "name": (_path("name"), pl.String),
    "role": (_path("role"), pl.String),
    "active": (_path("active"), pl.Boolean),
    "suspended": (_path("suspended"), pl.Boolean),
    "default_group_id": (_path("default_group_id"), pl.Int64),
    "updated_at": (_path("updated_at"), _TS),
}
GROUP_SPEC: Spec = {
    "id": (_path("id"), pl.Int64),
    "name": (_path("name"), pl.String),
    "deleted": (_path("deleted"), pl.Boolean),
    "updated_at": (_path("updated_at"), _TS),
}
BRAND_SPEC: Spec = {
    "id": (_path("id"), pl.Int64),
    "name": (_path("name"), pl.String),
    "deleted": (_path("is_deleted"), pl.Boolean),
    "updated_at": (_path("updated_at"), _TS),
}
QUEUE_FIELDS = (
    "agents_online",
    "calls_waiting",
    "callbacks_waiting",
    "embeddable_callbacks_waiting",
    "average_wait_time",
    "longest_wait_time",
)
QUEUE_SPEC: Spec = {name: (_path(name), pl.Float64) for name in QUEUE_FIELDS}
_ACTIVITY_NUMBERS = (
    "calls_accepted",
    "calls_denied",
    "calls_missed",
    "online_time",
    "available_time",
    "away_time",
    "total_talk_time",
    "average_talk_time",
    "total_wrap_up_time",
    "total_hold_time",
)
ACTIVITY_SPEC: Spec = {
    "agent_id": (_path("agent_id"), pl.Int64),
    "name": (_path("name"), pl.String),
    "agent_state": (_path("agent_state"), pl.String),
    "call_status": (_path("call_status"), pl.String),
    **{name: (_path(name), pl.Float64) for name in _ACTIVITY_NUMBERS},
}

SPECS: dict[str, Spec] = {
    "tickets": TICKET_SPEC,
    "users": USER_SPEC,
    "groups": GROUP_SPEC,
    "brands": BRAND_SPEC,
    "ratings": RATING_SPEC,
    "calls": CALL_SPEC,
    "legs": LEG_SPEC,
    "queue": QUEUE_SPEC,
    "agents_activity": ACTIVITY_SPEC,
}
assert tuple(SPECS) == STREAMS, "a schema per registered stream, in registry order"
# Streams keyed by id whose newest version wins; the version key columns, oldest first.
KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tickets": ("id", ("updated_at", "generated_timestamp")),
    "users": ("id", ("updated_at",)),
    "groups": ("id", ("updated_at",)),
    "brands": ("id", ("updated_at",)),
    "ratings": ("id", ("updated_at",)),
    "calls": ("id", ("updated_at",)),
    "legs": ("id", ("updated_at",)),
    "agents_activity": ("agent_id", ("fetched_at",)),
    # queue: one row, replaced by every ingest
}


def _column(records: Sequence[Record], getter: Getter, dtype: Any) -> pl.Series:
    values = [getter(r) for r in records]
    if dtype == _TS:  # parsed one by one: polars infers one format per column and nulls the rest
        return pl.Series([to_micros(v) for v in values], dtype=pl.Int64).cast(UTC_TS)
    if isinstance(dtype, pl.Enum):
        return pl.Series(values, dtype=pl.String, strict=False).cast(dtype, strict=False)
    if isinstance(dtype, pl.List):
        values = [v if isinstance(v, list) else None for v in values]
    return pl.Series(values, dtype=dtype, strict=False)


def _raw(stream: str, records: Sequence[Record]) -> pl.DataFrame:
    spec = SPECS[stream]
    return pl.DataFrame(
        {name: _column(records, getter, dtype) for name, (getter, dtype) in spec.items()}
    )


def derive_tickets(df: pl.DataFrame) -> pl.DataFrame:
    """The derived ticket columns (first_reply_at, solve_time, backlog_end), computed once."""
    solved = pl.col("status").is_in(["solved", "closed"]) & pl.col("solved_at").is_not_null()
    return df.with_columns(
        pl.col("channel").fill_null("unknown"),
        (
            pl.col("created_at")
            + pl.duration(
                microseconds=(pl.col("reply_minutes_calendar") * 60_000_000).cast(pl.Int64)
            )
        ).alias("first_reply_at"),
        pl.when(solved).then(pl.col("solved_at")).otherwise(None).alias("solve_time"),
    ).with_columns(
        # created before t and not solved before t  <=>  created < t  minus  backlog_end < t
        pl.when(pl.col("solve_time").is_not_null())
        .then(pl.max_horizontal("created_at", "solve_time"))
        .otherwise(None)
        .alias("backlog_end")
    )


def call_outcome() -> pl.Expr:
    """KPIS.md rule order; null for calls that are not inbound."""
    status = pl.col("completion_status")
    return (
        pl.when(pl.col("direction") != "inbound")
        .then(None)
        .when(pl.col("exceeded_queue_wait_time").fill_null(False))
        .then(pl.lit("exceeded_wait"))
        .when(pl.col("voicemail").fill_null(False))
        .then(pl.lit("voicemail"))
        .when(status == "completed")
        .then(pl.lit("answered"))
        .when(status.str.starts_with("abandoned").fill_null(False))
        .then(pl.lit("abandoned"))
        .otherwise(pl.lit("not_answered"))
        .cast(OUTCOME)
    )


def _derive_calls(df: pl.DataFrame) -> pl.DataFrame:
    issues = pl.col("quality_issues").list.eval(pl.element() != "none").list.any().fill_null(False)
    return df.with_columns(call_outcome().alias("outcome"), issues.alias("has_quality_issue")).drop(
        "quality_issues"
    )


def build_frame(
    stream: str, records: Sequence[Record], fetched_at: datetime | None = None
) -> pl.DataFrame:
    """Raw Zendesk dicts of one stream -> a frame with the stream's schema (+ derived columns)."""
    df = _raw(stream, records)
    if stream == "tickets":
        df = derive_tickets(df)
    elif stream == "calls":
        df = _derive_calls(df)
    elif stream in ("queue", "agents_activity"):
        stamp = fetched_at or datetime.now(UTC)
        df = df.with_columns(pl.lit(stamp).cast(UTC_TS).alias("fetched_at"))
    return df


#: columns a stream keeps on disk but not in memory (the frames the KPI code reads): the
#: subjects, read from the persisted file for the few tickets a drill-down lists
ON_DISK_ONLY: dict[str, tuple[str, ...]] = {"tickets": ("subject",)}


def resident(stream: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` without the columns :data:`ON_DISK_ONLY` keeps out of memory."""
    drop = [c for c in ON_DISK_ONLY.get(stream, ()) if c in frame.columns]
    return frame.drop(drop) if drop else frame


def resident_columns(stream: str) -> list[str]:
    return [c for c in schema_of(stream).names() if c not in ON_DISK_ONLY.get(stream, ())]


def empty_frame(stream: str) -> pl.DataFrame:
    """An empty frame of ``stream`` as the cache holds it in memory."""
    return resident(stream, full_empty_frame(stream))


def full_empty_frame(stream: str) -> pl.DataFrame:
    """An empty frame of ``stream`` with every column (as built from records and persisted)."""
    return build_frame(stream, [], fetched_at=datetime(1970, 1, 1, tzinfo=UTC))


def schema_of(stream: str) -> pl.Schema:
    """Every column of ``stream``: as built from records and as persisted."""
    return full_empty_frame(stream).schema
