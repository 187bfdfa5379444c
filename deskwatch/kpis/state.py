"""The KPI engine's state for one local date, and how it is built from the frames.

Per local date the engine holds, for each dated stream (tickets, ratings, calls, legs), the
aggregates of :mod:`deskwatch.kpis.agg` over the events up to the end of today, and the
*fresh* rows (live, with any event from the day before yesterday on) for the few figures that
cut at an instant (yesterday at the same time, hourly counts, the backlog 24 hours ago).
:func:`build` makes it from the frames; :mod:`deskwatch.kpis.delta` keeps it up to date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from deskwatch.config import Config
from deskwatch.kpis import csat, talk, tickets, typical
from deskwatch.kpis.agg import Bucket, Cube, Sums, Values, bucket_values, sums_query, values_query
from deskwatch.kpis.windows import Windows, _lit, local_midnight
from deskwatch.store.cache import Frames
from deskwatch.store.schema import KEYS

Spec = Sums | Values
ALIVE = {"tickets": tickets.ALIVE}  # rows that count (default: all)
TIMESTAMPS = {
    "tickets": tickets.TIMESTAMPS,
    "ratings": csat.TIMESTAMPS,
    "calls": talk.TIMESTAMPS,
    "legs": talk.TIMESTAMPS,
}


def stream_specs(cfg: Config, w: Windows) -> dict[str, list[Spec]]:
    alive = tickets.ALIVE
    typical_tickets = [
        typical.tod_spec("created_tod", "created_at", alive, w),
        typical.tod_spec("solved_tod", "solve_time", alive, w),
    ]
    inbound = pl.col("outcome").is_not_null()
    typical_calls = [typical.tod_spec("inbound_tod", "created_at", inbound, w)]
    return {
        "tickets": [*tickets.ticket_specs(cfg, w), *typical_tickets],
        "ratings": list(csat.rating_specs()),
        "calls": [*talk.call_specs(), *(typical_calls if cfg.talk.enabled else [])],
        "legs": list(talk.leg_specs()),
    }


def since(stream: str, instant: datetime) -> pl.Expr:
    """Rows of ``stream`` with any of its event timestamps at or after ``instant``."""
    cut = _lit(instant)
    return pl.any_horizontal([(pl.col(ts) >= cut).fill_null(False) for ts in TIMESTAMPS[stream]])


def moments(stream: str) -> list[pl.Expr]:
    """What the fresh columns of a row come from: its id and per event timestamp its µs since
    the epoch (-1 when absent); :func:`fresh_arrays` adds local slots and hours."""
    cols = [pl.col(KEYS[stream][0]).alias("id")]
    cols += [pl.col(ts).dt.epoch("us").fill_null(-1).alias(f"{ts}_us") for ts in TIMESTAMPS[stream]]
    return cols


def moment_names(stream: str) -> list[str]:
    return ["id", *(f"{ts}_us" for ts in TIMESTAMPS[stream])]


def is_fresh(stream: str, fresh_start: datetime) -> pl.Expr:
    """Rows kept as fresh: alive, with an event at or after ``fresh_start`` (a deleted
    ticket gives no figure anything)."""
    return ALIVE.get(stream, pl.lit(True)) & since(stream, fresh_start)


def _numpy(df: pl.DataFrame) -> dict[str, np.ndarray]:
    return {c: df.get_column(c).to_numpy() for c in df.columns}


def _fresh(stream: str, df: pl.DataFrame, w: Windows) -> dict[str, np.ndarray]:
    """:func:`moments` columns as numpy, with ``ts_slot`` and ``ts_hour`` (-1 when absent)."""
    return fresh_arrays(stream, _numpy(df), w)


def fresh_arrays(stream: str, cols: dict[str, np.ndarray], w: Windows) -> dict[str, np.ndarray]:
    for ts in TIMESTAMPS[stream]:
        us = cols[f"{ts}_us"]
        absent = us < 0
        wall = w.wall_np(us)
        cols[f"{ts}_slot"] = np.where(absent, -1, w.slot_of_wall(wall))
        cols[f"{ts}_hour"] = np.where(absent, -1, w.hour_of_wall(wall))
    return cols


def latest(stream: str, fresh: dict[str, np.ndarray]) -> int:
    """No event of the fresh rows is after this (µs since the epoch; -1 for none)."""
    stamps = [fresh[f"{ts}_us"] for ts in TIMESTAMPS[stream] if fresh[f"{ts}_us"].size]
    return max((int(s.max()) for s in stamps), default=-1)


def query(
    rows: pl.LazyFrame,
    spec: Spec,
    w: Windows,
    until: datetime | None = None,
    *,
    slotted: bool = False,
) -> pl.LazyFrame:
    if isinstance(spec, Sums):
        return sums_query(rows, spec, w, until, slotted=slotted)
    return values_query(rows, spec, w, until, slotted=slotted)


def undated(spec: Spec) -> bool:
    return isinstance(spec, Sums) and spec.ts is None


@dataclass
class StreamState:
    cubes: dict[str, Cube]  # dated Sums specs
    totals: dict[str, dict[str, float]]  # undated Sums specs
    values: dict[str, dict[Bucket, np.ndarray]]
    #: the rows with an event at or after the state's fresh_start, as numpy columns
    #: (see :func:`moments`)
    fresh: dict[str, np.ndarray]
    latest: int  # no event of the fresh rows is after this (µs since the epoch)


@dataclass
class State:
    day: date
    w: Windows
    fresh_slot: int
    fresh_start: datetime
    specs: dict[str, list[Spec]]
    streams: dict[str, StreamState]
    #: per stream, built on its first change: the columns read and the
    #: :func:`deskwatch.kpis.delta._features`
    features: dict[str, tuple[list[str], list[pl.Expr]]] = field(default_factory=dict)


def columns(stream: str, specs: list[Spec]) -> list[str]:
    """The columns of ``stream`` that its specs read, with its id and event timestamps."""
    exprs: list[pl.Expr] = []
    for spec in specs:
        exprs.append(spec.where)
        if isinstance(spec, Sums):
            exprs += [*spec.sums.values(), *(pl.col(k) for k in spec.keys)]
        else:
            exprs += [spec.value] + ([pl.col(spec.agent)] if spec.agent else [])
    exprs.append(ALIVE.get(stream, pl.lit(True)))
    names = {name for e in exprs for name in e.meta.root_names()}
    return sorted(names | set(TIMESTAMPS[stream]) | {KEYS[stream][0]})


def build(frames: Frames, cfg: Config, w: Windows) -> State:
    fresh_slot = w.today_slot - 2  # the day before yesterday (make_windows covers it)
    fresh_start = local_midnight(w.first_date + timedelta(days=fresh_slot), w.tz)
    specs = stream_specs(cfg, w)
    # the rows with an event in the covered span, cut once per stream (only the columns read)
    recent = dict(
        zip(
            specs,
            pl.collect_all(
                frames.get(stream)
                .lazy()
                .filter(since(stream, w.first_start))
                .select(columns(stream, [s for s in stream_spec if not undated(s)]))
                .with_columns(w.slot(ts).alias(f"{ts}/slot") for ts in TIMESTAMPS[stream])
                for stream, stream_spec in specs.items()
            ),
            strict=True,
        )
    )
    # every query runs in the background at once and results are read in order, so the numpy
    # work on the first ones (cubes, value buckets) overlaps polars working on the rest
    jobs: list[tuple[str, Spec | None, pl.LazyFrame]] = []
    for stream, stream_spec in specs.items():
        lf = frames.get(stream).lazy()
        cut = recent[stream].lazy()
        jobs += [
            (
                stream,
                spec,
                query(lf, spec, w) if undated(spec) else query(cut, spec, w, slotted=True),
            )
            for spec in stream_spec
        ]
        jobs.append(
            (stream, None, cut.filter(is_fresh(stream, fresh_start)).select(moments(stream)))
        )
    running = [(stream, spec, job.collect(background=True)) for stream, spec, job in jobs]
    cubes: dict[str, dict[str, Cube]] = {s: {} for s in specs}
    totals: dict[str, dict[str, dict[str, float]]] = {s: {} for s in specs}
    values: dict[str, dict[str, dict[Bucket, np.ndarray]]] = {s: {} for s in specs}
    fresh: dict[str, dict[str, np.ndarray]] = {}
    for stream, spec, handle in running:
        df = handle.fetch_blocking()
        if spec is None:
            fresh[stream] = _fresh(stream, df, w)
        elif isinstance(spec, Values):
            values[stream][spec.name] = bucket_values(df, w)
        elif undated(spec):
            totals[stream][spec.name] = {k: float(v or 0) for k, v in df.row(0, named=True).items()}
        else:
            cubes[stream][spec.name] = cube = Cube(spec, w.today_slot + 1)
            cube.add(df)
    streams = {
        s: StreamState(cubes[s], totals[s], values[s], fresh[s], latest(s, fresh[s])) for s in specs
    }
    return State(w.now_local.date(), w, fresh_slot, fresh_start, specs, streams)
