"""The KPI engine: every figure from aggregates that deltas keep up to date.

Per local date (an *epoch*) the engine holds, for each dated stream (tickets, ratings, calls,
legs), the aggregates of :mod:`deskwatch.kpis.agg` over the events up to the end of today, and
the *fresh* rows (any event from the day before yesterday on) for the few figures that cut at
an instant (yesterday at the same time, hourly counts, the backlog 24 hours ago). A compute
takes back what events after ``now`` gave (normally none) and builds the figures
(:class:`deskwatch.kpis.parts.Parts`). A data change
(:class:`deskwatch.store.Change`: rows replaced and rows added) subtracts what the replaced rows
gave and adds what the new ones give, so a refresh after an upsert costs in proportion to the
change and the fresh rows, not to the whole history. A new local date, a swapped frame or a
gap in the changes rebuilds everything from the frames; a from-scratch compute
(:func:`deskwatch.kpis.compute_snapshot`) is that same rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from deskwatch.config import Config
from deskwatch.kpis import csat, talk, tickets
from deskwatch.kpis.agents import agent_kpis
from deskwatch.kpis.agg import (
    Bucket,
    Cube,
    Sums,
    Values,
    bucket_arrays,
    bucket_values,
    sums_query,
    update_buckets,
    values_query,
)
from deskwatch.kpis.ops import OpsFigures, ops_from_parts
from deskwatch.kpis.parts import Parts, People
from deskwatch.kpis.snapshot import SCHEMA, KpiSnapshot
from deskwatch.kpis.windows import Windows, _lit, local_midnight, make_windows, micros
from deskwatch.store.cache import Change, Frames
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
    return {
        "tickets": tickets.ticket_specs(cfg, w),
        "ratings": list(csat.rating_specs()),
        "calls": list(talk.call_specs()),
        "legs": list(talk.leg_specs()),
    }


def _since(stream: str, instant: datetime) -> pl.Expr:
    """Rows of ``stream`` with any of its event timestamps at or after ``instant``."""
    cut = _lit(instant)
    return pl.any_horizontal([(pl.col(ts) >= cut).fill_null(False) for ts in TIMESTAMPS[stream]])


def _moments(stream: str) -> list[pl.Expr]:
    """What the fresh columns of a row come from: its id and per event timestamp its µs since
    the epoch (-1 when absent); :func:`_fresh` adds local slots and hours."""
    cols = [pl.col(KEYS[stream][0]).alias("id")]
    cols += [pl.col(ts).dt.epoch("us").fill_null(-1).alias(f"{ts}_us") for ts in TIMESTAMPS[stream]]
    return cols


def _moment_names(stream: str) -> list[str]:
    return ["id", *(f"{ts}_us" for ts in TIMESTAMPS[stream])]


def _is_fresh(stream: str, fresh_start: datetime) -> pl.Expr:
    """Rows kept as fresh: alive, with an event at or after ``fresh_start`` (a deleted
    ticket gives no figure anything)."""
    return ALIVE.get(stream, pl.lit(True)) & _since(stream, fresh_start)


def _numpy(df: pl.DataFrame) -> dict[str, np.ndarray]:
    return {c: df.get_column(c).to_numpy() for c in df.columns}


def _fresh(stream: str, df: pl.DataFrame, w: Windows) -> dict[str, np.ndarray]:
    """:func:`_moments` columns as numpy, with ``ts_slot`` and ``ts_hour`` (-1 when absent)."""
    return _fresh_arrays(stream, _numpy(df), w)


def _fresh_arrays(stream: str, cols: dict[str, np.ndarray], w: Windows) -> dict[str, np.ndarray]:
    for ts in TIMESTAMPS[stream]:
        us = cols[f"{ts}_us"]
        absent = us < 0
        wall = w.wall_np(us)
        cols[f"{ts}_slot"] = np.where(absent, -1, w.slot_of_wall(wall))
        cols[f"{ts}_hour"] = np.where(absent, -1, w.hour_of_wall(wall))
    return cols


def _latest(stream: str, fresh: dict[str, np.ndarray]) -> int:
    """No event of the fresh rows is after this (µs since the epoch; -1 for none)."""
    stamps = [fresh[f"{ts}_us"] for ts in TIMESTAMPS[stream] if fresh[f"{ts}_us"].size]
    return max((int(s.max()) for s in stamps), default=-1)


def _query(
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


def _undated(spec: Spec) -> bool:
    return isinstance(spec, Sums) and spec.ts is None


@dataclass
class _Stream:
    cubes: dict[str, Cube]  # dated Sums specs
    totals: dict[str, dict[str, float]]  # undated Sums specs
    values: dict[str, dict[Bucket, np.ndarray]]
    #: the rows with an event at or after the state's fresh_start, as numpy columns
    #: (see :func:`_moments`)
    fresh: dict[str, np.ndarray]
    latest: int  # no event of the fresh rows is after this (µs since the epoch)


@dataclass
class _State:
    day: date
    w: Windows
    fresh_slot: int
    fresh_start: datetime
    specs: dict[str, list[Spec]]
    streams: dict[str, _Stream]
    #: per stream, built on its first change: the columns read and the :func:`_features`
    features: dict[str, tuple[list[str], list[pl.Expr]]] = field(default_factory=dict)


def _columns(stream: str, specs: list[Spec]) -> list[str]:
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


def _build(frames: Frames, cfg: Config, w: Windows) -> _State:
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
                .filter(_since(stream, w.first_start))
                .select(_columns(stream, [s for s in stream_spec if not _undated(s)]))
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
                _query(lf, spec, w) if _undated(spec) else _query(cut, spec, w, slotted=True),
            )
            for spec in stream_spec
        ]
        jobs.append(
            (stream, None, cut.filter(_is_fresh(stream, fresh_start)).select(_moments(stream)))
        )
    running = [(stream, spec, query.collect(background=True)) for stream, spec, query in jobs]
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
        elif _undated(spec):
            totals[stream][spec.name] = {k: float(v or 0) for k, v in df.row(0, named=True).items()}
        else:
            cubes[stream][spec.name] = cube = Cube(spec, w.today_slot + 1)
            cube.add(df)
    streams = {
        s: _Stream(cubes[s], totals[s], values[s], fresh[s], _latest(s, fresh[s])) for s in specs
    }
    return _State(w.now_local.date(), w, fresh_slot, fresh_start, specs, streams)


def _features(stream: str, specs: list[Spec], state: _State) -> list[pl.Expr]:
    """Per signed row, in one pass: for each spec what the row gives it (``name/slot`` -1
    when nothing), the undated sums, and the row's fresh columns."""
    w, sign = state.w, pl.col("sign")
    cols: list[pl.Expr] = [sign]
    for spec in specs:
        n = spec.name
        if isinstance(spec, Sums) and spec.ts is None:
            cols += [
                pl.when(spec.where).then(e).otherwise(0).alias(f"{n}/{k}")
                for k, e in _signed(spec, sign).items()
            ]
            continue
        stamp = spec.ts
        assert stamp is not None
        ts = pl.col(stamp)
        inside = (spec.where & (ts >= _lit(w.first_start)) & (ts < _lit(w.horizon))).fill_null(
            False
        )
        cols.append(pl.when(inside).then(w.slot(stamp)).otherwise(-1).alias(f"{n}/slot"))
        if isinstance(spec, Sums):
            cols += [e.alias(f"{n}/{k}") for k, e in _signed(spec, sign).items()]
            cols += [pl.col(k).alias(f"{n}/{k}") for k in spec.keys]
        else:
            cols.append(spec.value.cast(pl.Float64).alias(f"{n}/value"))
            if spec.agent is not None:
                cols.append(pl.col(spec.agent).fill_null(-1).alias(f"{n}/agent"))
    cols += _moments(stream)
    cols.append(_is_fresh(stream, state.fresh_start).alias("fresh"))
    return cols


def _signed(spec: Sums, sign: pl.Expr) -> dict[str, pl.Expr]:
    """What one signed row gives each sum of ``spec`` (a true boolean counts 1, null 0)."""
    given = {k: e.cast(pl.Float64).fill_null(0.0) * sign for k, e in spec.sums.items()}
    return {"n": sign, **given}


def _unchanged(first: np.ndarray, second: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Rows of the (first, second) version pairs of one id that give the same ``keys``: a
    ticket updated without touching this value changes nothing here."""
    same = np.zeros(keys[0].size, dtype=bool)
    equal = np.ones(first.size, dtype=bool)
    for k in keys:
        equal &= k[first] == k[second]
    same[first[equal]] = same[second[equal]] = True
    return same


def _apply(state: _State, stream: str, removed: pl.DataFrame, added: pl.DataFrame) -> None:
    """Follow one upsert: subtract what ``removed`` gave, add what ``added`` gives."""
    w = state.w
    st, specs = state.streams[stream], state.specs[stream]
    # eager: on a few thousand rows the lazy optimiser costs more than the work
    if stream not in state.features:
        state.features[stream] = (_columns(stream, specs), _features(stream, specs, state))
    cols, features = state.features[stream]
    minus = pl.lit(-1, dtype=pl.Int64).alias("sign")
    rows = pl.concat([removed.select(*cols, minus), added.select(*cols, -minus)], how="vertical")
    df = rows.select(features)

    def col(name: str) -> np.ndarray:
        return df.get_column(name).to_numpy()

    sign = col("sign")
    ids = col("id")
    gone = np.flatnonzero(sign < 0)
    _, i, j = np.intersect1d(ids[gone], ids[sign > 0], return_indices=True)
    pairs = (gone[i], np.flatnonzero(sign > 0)[j])  # the replaced and new version of an id
    for spec in specs:
        n = spec.name
        if isinstance(spec, Sums) and spec.ts is None:
            totals = st.totals[n]
            for k in spec.names:
                totals[k] += float(df.get_column(f"{n}/{k}").sum())
            continue
        slots = col(f"{n}/slot")
        used = slots >= 0
        if isinstance(spec, Sums):
            if used.any():
                labels = [df.get_column(f"{n}/{k}").to_list() for k in spec.keys]
                st.cubes[n].add_arrays(
                    slots[used],
                    [[x for x, keep in zip(xs, used, strict=True) if keep] for xs in labels],
                    np.column_stack([col(f"{n}/{k}")[used] for k in spec.names]),
                )
            continue
        vals = col(f"{n}/value")
        agents = col(f"{n}/agent") if spec.agent is not None else None
        keys = [slots, vals] + ([agents] if agents is not None else [])
        used &= ~_unchanged(*pairs, *keys)
        if not used.any():
            continue
        change = []
        for side in (used & (sign < 0), used & (sign > 0)):
            change.append(
                bucket_arrays(vals[side], slots[side], None if agents is None else agents[side], w)
            )
        update_buckets(st.values[n], *change)
    stale = pl.Series(st.fresh["id"]).is_in(added.get_column(KEYS[stream][0]).implode())
    keep = ~stale.to_numpy()
    new = (sign > 0) & col("fresh")
    fresh_new = _fresh_arrays(stream, {c: col(c)[new] for c in _moment_names(stream)}, w)
    st.fresh = {c: np.concatenate([v[keep], fresh_new[c]]) for c, v in st.fresh.items()}
    st.latest = max(st.latest, _latest(stream, fresh_new))


def _parts(state: _State, frames: Frames, w: Windows, people: People) -> Parts:
    """The aggregates at ``w.now``: what events after ``now`` gave (normally none) taken back."""
    sums: dict[str, Cube] = {}
    totals: dict[str, dict[str, float]] = {}
    values: dict[str, dict[Bucket, np.ndarray]] = {}
    now_us = micros(w.now)
    for stream, stream_spec in state.specs.items():
        st = state.streams[stream]
        sums.update(st.cubes)
        totals.update(st.totals)
        values.update(st.values)
        if st.latest <= now_us:
            continue
        after = np.zeros(st.fresh["id"].size, dtype=bool)
        for ts in TIMESTAMPS[stream]:
            after |= st.fresh[f"{ts}_us"] > now_us
        if not after.any():
            continue
        key = pl.col(KEYS[stream][0])
        future = frames.get(stream).lazy().filter(key.is_in(st.fresh["id"][after].tolist()))
        dated_specs = [spec for spec in stream_spec if not _undated(spec)]
        queries = [
            _query(future, spec, w, until) for spec in dated_specs for until in (None, w.now)
        ]
        results = iter(pl.collect_all(queries))
        for spec in dated_specs:
            minus, plus = next(results), next(results)
            if isinstance(spec, Sums):
                sums[spec.name] = cube = sums[spec.name].copy()
                cube.add(minus, -1.0)
                cube.add(plus)
            else:
                buckets = dict(values[spec.name])  # update_buckets replaces arrays, never edits
                update_buckets(buckets, bucket_values(minus, w), bucket_values(plus, w))
                values[spec.name] = buckets
    return Parts(
        w=w,
        sums=sums,
        totals=totals,
        values=values,
        fresh={s: st.fresh for s, st in state.streams.items()},
        fresh_slot=state.fresh_slot,
        fresh_start=state.fresh_start,
        people=people,
    )


class KpiEngine:
    """Keeps the KPI aggregates of one config up to date with a cache's changes.

    ``update(frames, changes)`` after the data changed (``changes`` from
    ``Cache.changes_since``; None: unknown, start over), then ``compute(now)``. One thread at
    a time.
    """

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._frames = Frames.empty()
        self._state: _State | None = None
        self._people: tuple[pl.DataFrame | None, People] = (None, People([], {}))
        #: how many times the aggregates were rebuilt from the frames (for tests and bench)
        self.rebuilds = 0

    def update(self, frames: Frames, changes: list[Change] | None) -> None:
        self._frames = frames
        if self._state is None:
            return
        if changes is None:
            self._state = None
            return
        try:
            for change in changes:
                if change.stream not in self._state.streams:
                    continue  # users, groups, queue, agents_activity: read whole at compute
                if change.removed is None or change.added is None:
                    self._state = None
                    return
                _apply(self._state, change.stream, change.removed, change.added)
        except BaseException:
            self._state = None  # half-applied: start over from the frames next time
            raise

    def compute(self, now: datetime) -> tuple[KpiSnapshot, OpsFigures]:
        w = make_windows(self.cfg, now)
        if self._state is None or self._state.day != w.now_local.date():
            self._state = _build(self._frames, self.cfg, w)
            self.rebuilds += 1
        if self._people[0] is not self._frames.users:
            self._people = (self._frames.users, People.of(self._frames.users))
        p = _parts(self._state, self._frames, w, self._people[1])
        return self._snapshot(p), ops_from_parts(p, self._frames, self.cfg)

    def _snapshot(self, p: Parts) -> KpiSnapshot:
        cfg, frames, w = self.cfg, self._frames, p.w
        return KpiSnapshot.from_parts(
            schema=SCHEMA,
            now=w.now_local.isoformat(),
            timezone=cfg.account.timezone,
            time_basis=cfg.kpis.time_basis,
            window={
                "days": cfg.kpis.window_days,
                "start": w.dates[0].isoformat(),
                "end": w.dates[-1].isoformat(),
            },
            tickets=tickets.ticket_kpis(p),
            csat=csat.csat_kpis(p),
            agents=agent_kpis(p),
            talk=talk.talk_kpis(p, frames.queue) if cfg.talk.enabled else None,
        )
