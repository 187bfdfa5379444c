"""Drill-down: the records behind a figure, from the same specs the figure is computed from.

A :class:`Drill` names a spec of :mod:`deskwatch.kpis.state` (``stream_specs``: the one place a
figure's rows are defined), optionally some of its sums (``open`` of the current statuses),
the span it counts (``now``: current state; ``today``/``window``: by the spec's timestamp up to
``now``; ``hour``: today's local clock hour given as the argument) and whether the argument is
an agent (the spec's key, e.g. ``assignee_id``). :func:`listing` is a pure function over
:class:`~deskwatch.store.Frames` (the app's cache, or a viewer reading the shared cache), so
its row count is the figure by construction, and a test checks it for every declared drill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Literal

import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.agg import Sums
from deskwatch.kpis.filters import TicketFilter
from deskwatch.kpis.state import stream_specs
from deskwatch.kpis.windows import DAY_US, US, Windows, _lit, make_windows
from deskwatch.store.cache import Frames

Span = Literal["now", "today", "window", "hour"]
#: the listing's columns, in order
COLUMNS = ("id", "subject", "status", "priority", "assignee", "group", "channel", "age_hours")


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


def where(drill: Drill, cfg: Config, w: Windows, arg: int | None = None) -> pl.Expr:
    """The rows of ``drill.stream`` behind the figure, at ``w.now``."""
    keep, ts, agent = _spec(cfg, w, drill)
    if drill.span != "now":
        assert ts is not None, f"{drill.spec} is not dated"
        start = w.window_start if drill.span == "window" else w.today_start
        keep = keep & (pl.col(ts) >= _lit(start)) & (pl.col(ts) <= _lit(w.now))
        if drill.span == "hour":
            assert arg is not None
            midnight = datetime.combine(w.now_local.date(), time(0), tzinfo=UTC)
            base = int(midnight.timestamp()) * US
            hour = (w.wall_us(ts) - base) // (3600 * US)
            keep = keep & (hour == arg) & (w.wall_us(ts) - base < DAY_US)
    if drill.agent:
        assert agent is not None and arg is not None
        keep = keep & (pl.col(agent) == arg)
    return keep.fill_null(False)


def listing(
    frames: Frames,
    cfg: Config,
    now: datetime,
    drill: Drill,
    arg: int | None = None,
    flt: TicketFilter | None = None,
) -> pl.DataFrame:
    """The tickets behind a figure with :data:`COLUMNS`, oldest first."""
    w = make_windows(cfg, now)
    keep = where(drill, cfg, w, arg)
    if flt is not None and flt.active:  # one lazy pass: the ratings are not listed
        keep = keep & flt.tickets()
    rows = frames.tickets.lazy().filter(keep)
    names = frames.users.lazy().select(pl.col("id").alias("assignee_id"), pl.col("name"))
    groups = frames.groups.lazy().select(pl.col("id").alias("group_id"), pl.col("name"))
    subject = pl.col("subject") if "subject" in frames.tickets.columns else pl.lit(None)
    return (
        rows.join(names, on="assignee_id", how="left")
        .join(groups, on="group_id", how="left", suffix="_group")
        .select(
            pl.col("id"),
            subject.cast(pl.String).alias("subject"),
            pl.col("status").cast(pl.String),
            pl.col("priority").cast(pl.String),
            pl.col("name").alias("assignee"),
            pl.col("name_group").alias("group"),
            pl.col("channel"),
            ((_lit(w.now) - pl.col("created_at")).dt.total_seconds() / 3600).alias("age_hours"),
        )
        .sort("id")
        .collect()
    )


def calls_today(frames: Frames, cfg: Config, now: datetime, agent_id: int) -> pl.DataFrame:
    """An agent's calls today (any direction), oldest first: id, local time, direction,
    outcome, talk seconds, ticket."""
    w = make_windows(cfg, now)
    today = (pl.col("created_at") >= _lit(w.today_start)) & (pl.col("created_at") <= _lit(w.now))
    return (
        frames.calls.lazy()
        .filter(today & (pl.col("agent_id") == agent_id))
        .sort("created_at")
        .select(
            pl.col("id"),
            pl.col("created_at").dt.convert_time_zone(cfg.account.timezone).dt.strftime("%H:%M"),
            pl.col("direction"),
            pl.col("outcome").cast(pl.String),
            pl.col("talk_time"),
            pl.col("ticket_id"),
        )
        .collect()
    )
