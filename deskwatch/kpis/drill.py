"""Drill-down: the records behind a figure, from the same specs the figure is computed from.

A :class:`Drill` names a spec of :mod:`deskwatch.kpis.state` (``stream_specs``: the one place a
figure's rows are defined) of one stream (tickets, ratings or calls), optionally some of its
sums (``open`` of the current statuses), the span it counts (``now``: current state;
``today``/``window``: by the spec's timestamp up to ``now``; ``hour``: today's local clock hour
given as the argument; ``day``: a local date ``YYYY-MM-DD``, or ``first..last``, given as the
argument), a key column and the values of it that count (``by``/``values``: the outcome of a
call; without ``values`` the argument is the value: a bar of a chart by status, type, channel
or reason) and whether the argument is an agent (the spec's key, e.g. ``assignee_id``).
:func:`listing` is a pure function over :class:`~deskwatch.store.Frames` (the app's cache, or a
viewer reading the shared cache), so its row count is the figure by construction, and a test
checks it for every declared drill. A drill with its argument is plain data (strings, ints,
tuples), so it can travel to another process as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.agg import Sums
from deskwatch.kpis.filters import TicketFilter
from deskwatch.kpis.state import stream_specs
from deskwatch.kpis.windows import DAY_US, US, Windows, _lit, make_windows
from deskwatch.store.cache import Frames

Span = Literal["now", "today", "window", "hour", "day"]
#: what a drill's argument may be: a bar's key, an hour, a date (range), an agent id
Arg = int | str | None
#: the listings' columns, in order, per stream listed
TICKET_COLUMNS = (
    "id",
    "subject",
    "status",
    "priority",
    "assignee",
    "group",
    "channel",
    "age_hours",
)
RATING_COLUMNS = ("id", "ticket_id", "score", "comment", "assignee", "group", "time")
CALL_COLUMNS = (
    "id",
    "time",
    "direction",
    "agent",
    "outcome",
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "ticket_id",
)
COLUMNS = TICKET_COLUMNS
COLUMNS_OF = {"tickets": TICKET_COLUMNS, "ratings": RATING_COLUMNS, "calls": CALL_COLUMNS}
#: reads the subjects of some tickets (id, subject) where the tickets frame holds none
Subjects = Callable[[pl.Series], pl.DataFrame]


@dataclass(frozen=True)
class Drill:
    spec: str
    #: the spec's sums whose rows count (any of them); empty: every row of the spec
    parts: tuple[str, ...] = ()
    span: Span = "now"
    agent: bool = False
    stream: str = "tickets"
    #: the agent column when the spec has none of its own (an undated count)
    key: str | None = None
    #: a column whose value selects the rows: one of ``values``, else the argument (a bar)
    by: str | None = None
    values: tuple[str, ...] = ()
    #: the argument that stands for a null ``by`` ("none": no type, "unknown": no channel)
    null_as: str | None = None

    @property
    def takes_bar(self) -> bool:
        """Whether the argument is the ``by`` value (a bar of a chart)."""
        return self.by is not None and not self.values


def _spec(cfg: Config, w: Windows, drill: Drill) -> tuple[pl.Expr, str | None, str | None]:
    """(which rows, the timestamp they are dated by, the agent key column)."""
    for spec in stream_specs(cfg, w)[drill.stream]:
        if spec.name != drill.spec:
            continue
        where = spec.where
        agent = None
        if isinstance(spec, Sums):
            if drill.parts:
                where = where & pl.any_horizontal(
                    spec.sums[part].fill_null(False) for part in drill.parts
                )
            agent = spec.keys[0] if spec.keys else None
        else:
            agent = spec.agent
        return where, spec.ts, drill.key or agent
    raise KeyError(f"no spec {drill.spec!r} for {drill.stream}")


def _days(arg: Arg) -> tuple[date, date]:
    """``YYYY-MM-DD`` or ``first..last`` as (first, last)."""
    first, _, last = str(arg).partition("..")
    return date.fromisoformat(first), date.fromisoformat(last or first)


def where(drill: Drill, cfg: Config, w: Windows, arg: Arg = None) -> pl.Expr:
    """The rows of ``drill.stream`` behind the figure, at ``w.now``."""
    keep, ts, agent = _spec(cfg, w, drill)
    if drill.span != "now":
        assert ts is not None, f"{drill.spec} is not dated"
        start = w.window_start if drill.span == "window" else w.today_start
        if drill.span == "day":
            first, last = _days(arg)
            start = min(start, w.first_start)
            slot = w.slot(ts)
            keep = keep & slot.is_between((first - w.first_date).days, (last - w.first_date).days)
        keep = keep & (pl.col(ts) >= _lit(start)) & (pl.col(ts) <= _lit(w.now))
        if drill.span == "hour":
            assert isinstance(arg, int)
            midnight = datetime.combine(w.now_local.date(), time(0), tzinfo=UTC)
            base = int(midnight.timestamp()) * US
            hour = (w.wall_us(ts) - base) // (3600 * US)
            keep = keep & (hour == arg) & (w.wall_us(ts) - base < DAY_US)
    if drill.by is not None:
        wanted = drill.values or (arg,)
        col = pl.col(drill.by).cast(pl.String)
        hit = col.is_in([v for v in wanted if v is not None and v != drill.null_as])
        if drill.null_as is not None and drill.null_as in wanted:
            hit = hit | col.is_null()
        keep = keep & hit.fill_null(False)
    if drill.agent:
        assert agent is not None and arg is not None
        keep = keep & (pl.col(agent) == arg)
    return keep.fill_null(False)


def listing(
    frames: Frames,
    cfg: Config,
    now: datetime,
    drill: Drill,
    arg: Arg = None,
    flt: TicketFilter | None = None,
    subjects: Subjects | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """The records behind a figure with ``COLUMNS_OF[drill.stream]``, by id: tickets, or
    ratings (CSAT), or calls (Talk: account-wide, a ticket filter does not apply to them).
    ``subjects`` reads the listed tickets' subjects when the tickets frame holds none;
    ``limit``: only the first rows by id (a long list's first screen, at once)."""
    w = make_windows(cfg, now)
    keep = where(drill, cfg, w, arg)
    if drill.stream == "ratings":
        return _ratings(frames, cfg, keep, flt, limit)
    if drill.stream == "calls":
        return _calls(frames, cfg, keep, limit)
    if flt is not None and flt.active:  # one lazy pass: the ratings are not listed
        keep = keep & flt.tickets()
    return _tickets(frames, _first(frames.tickets.lazy().filter(keep), limit), w, subjects)


def _first(rows: pl.LazyFrame, limit: int | None) -> pl.LazyFrame:
    """The rows by id, only the first ``limit`` of them (a top-k, not a full sort)."""
    return rows if limit is None else rows.sort("id").head(limit)


def _names(frame: pl.DataFrame, key: str) -> pl.LazyFrame:
    return frame.lazy().select(pl.col("id").alias(key), pl.col("name").alias(f"{key}/name"))


def _tickets(
    frames: Frames, rows: pl.LazyFrame, w: Windows, subjects: Subjects | None
) -> pl.DataFrame:
    has_subject = "subject" in frames.tickets.columns
    subject = pl.col("subject") if has_subject else pl.lit(None, dtype=pl.String)
    out = (
        rows.join(_names(frames.users, "assignee_id"), on="assignee_id", how="left")
        .join(_names(frames.groups, "group_id"), on="group_id", how="left")
        .select(
            pl.col("id"),
            subject.cast(pl.String).alias("subject"),
            pl.col("status").cast(pl.String),
            pl.col("priority").cast(pl.String),
            pl.col("assignee_id/name").alias("assignee"),
            pl.col("group_id/name").alias("group"),
            pl.col("channel"),
            ((_lit(w.now) - pl.col("created_at")).dt.total_seconds() / 3600).alias("age_hours"),
        )
        .sort("id")
        .collect()
    )
    if has_subject or subjects is None or out.height == 0:
        return out
    found = subjects(out.get_column("id"))
    return (
        out.drop("subject")
        .join(found.select("id", pl.col("subject").cast(pl.String)), on="id", how="left")
        .select(TICKET_COLUMNS)
    )


def _local(cfg: Config, col: str) -> pl.Expr:
    return pl.col(col).dt.convert_time_zone(cfg.account.timezone).alias("time")


def _ratings(
    frames: Frames, cfg: Config, keep: pl.Expr, flt: TicketFilter | None, limit: int | None
) -> pl.DataFrame:
    rows = frames.ratings.lazy().filter(keep)
    if flt is not None and flt.active:  # ratings follow their ticket (KPIS.md "Filters")
        kept = frames.tickets.lazy().filter(flt.tickets()).select(pl.col("id").alias("ticket_id"))
        rows = rows.join(kept, on="ticket_id", how="semi")
    rows = _first(rows, limit)
    comment = (
        pl.col("has_comment") if "has_comment" in frames.ratings.columns else pl.lit(None)
    ).cast(pl.Boolean)
    return (
        rows.join(_names(frames.users, "assignee_id"), on="assignee_id", how="left")
        .join(_names(frames.groups, "group_id"), on="group_id", how="left")
        .select(
            pl.col("id"),
            pl.col("ticket_id"),
            pl.col("score").cast(pl.String),
            comment.alias("comment"),
            pl.col("assignee_id/name").alias("assignee"),
            pl.col("group_id/name").alias("group"),
            _local(cfg, "updated_at"),
        )
        .sort("id")
        .collect()
    )


def _calls(frames: Frames, cfg: Config, keep: pl.Expr, limit: int | None) -> pl.DataFrame:
    return (
        _first(frames.calls.lazy().filter(keep), limit)
        .join(_names(frames.users, "agent_id"), on="agent_id", how="left")
        .select(
            pl.col("id"),
            _local(cfg, "created_at"),
            pl.col("direction"),
            pl.when(pl.col("agent_id") > 0)
            .then(pl.coalesce(pl.col("agent_id/name"), pl.format("agent {}", "agent_id")))
            .alias("agent"),
            pl.col("outcome").cast(pl.String),
            pl.col("wait_time").alias("wait_seconds"),
            pl.col("talk_time").alias("talk_seconds"),
            pl.col("hold_time").alias("hold_seconds"),
            pl.when(pl.col("ticket_id") > 0).then(pl.col("ticket_id")).alias("ticket_id"),
        )
        .sort("id")
        .collect()
    )
