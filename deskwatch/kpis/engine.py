"""The KPI engine: every figure from aggregates that deltas keep up to date.

Per local date (an *epoch*) the engine holds, for each dated stream (tickets, ratings, calls,
legs), the aggregates of :mod:`deskwatch.kpis.agg` over the *settled* dates (before the day
before yesterday: nothing there depends on ``now`` any more) and the *fresh* rows (any event
from the day before yesterday on). A compute adds the fresh rows' aggregates to the settled
ones and builds the figures (:class:`deskwatch.kpis.parts.Parts`). A data change
(:class:`deskwatch.store.Change`: rows replaced and rows added) subtracts what the replaced rows
gave and adds what the new ones give, so a refresh after an upsert costs in proportion to the
change and the fresh rows, not to the whole history. A new local date, a swapped frame or a
gap in the changes rebuilds everything from the frames; a from-scratch compute
(:func:`deskwatch.kpis.compute_snapshot`) is that same rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from deskwatch.config import Config
from deskwatch.kpis import csat, talk, tickets
from deskwatch.kpis.agents import agent_kpis
from deskwatch.kpis.agg import (
    Bucket,
    Sums,
    Values,
    bucket_values,
    merge_sums,
    sums_query,
    update_buckets,
    values_query,
)
from deskwatch.kpis.ops import OpsFigures, ops_from_parts
from deskwatch.kpis.parts import Parts
from deskwatch.kpis.snapshot import SCHEMA, KpiSnapshot
from deskwatch.kpis.windows import Windows, _lit, local_midnight, make_windows
from deskwatch.store.cache import Change, Frames
from deskwatch.store.schema import KEYS

Spec = Sums | Values
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


def _query(rows: pl.LazyFrame, spec: Spec, w: Windows, lo: int, hi: int, until: datetime | None):
    if isinstance(spec, Sums):
        return sums_query(rows, spec, w, lo, hi, until)
    return values_query(rows, spec, w, lo, hi, until).sort("value")


@dataclass
class _Stream:
    sums: dict[str, pl.DataFrame]
    values: dict[str, dict[Bucket, np.ndarray]]
    fresh: pl.DataFrame  # rows with an event at or after the state's fresh_start


@dataclass
class _State:
    day: date
    w: Windows
    fresh_slot: int
    fresh_start: datetime
    specs: dict[str, list[Spec]]
    streams: dict[str, _Stream]


def _build(frames: Frames, cfg: Config, w: Windows) -> _State:
    fresh_slot = w.today_slot - 2
    fresh_start = local_midnight(w.first_date + timedelta(days=fresh_slot), w.tz)
    specs = stream_specs(cfg, w)
    queries: list[pl.LazyFrame] = []
    for stream, stream_spec in specs.items():
        lf = frames.get(stream).lazy()
        recent = lf.filter(_since(stream, w.first_start))
        for spec in stream_spec:
            undated = isinstance(spec, Sums) and spec.ts is None
            queries.append(_query(lf if undated else recent, spec, w, 0, fresh_slot - 1, None))
        queries.append(lf.filter(_since(stream, fresh_start)))
    results = iter(pl.collect_all(queries))
    streams = {}
    for stream, stream_spec in specs.items():
        sums, values = {}, {}
        for spec in stream_spec:
            df = next(results)
            if isinstance(spec, Sums):
                sums[spec.name] = df
            else:
                values[spec.name] = bucket_values(df, w, presorted=True)
        streams[stream] = _Stream(sums, values, next(results))
    return _State(w.now_local.date(), w, fresh_slot, fresh_start, specs, streams)


def _apply(state: _State, stream: str, removed: pl.DataFrame, added: pl.DataFrame) -> None:
    """Follow one upsert: subtract what ``removed`` gave, add what ``added`` gives."""
    w, hi = state.w, state.fresh_slot - 1
    st, specs = state.streams[stream], state.specs[stream]
    queries = [
        _query(rows.lazy(), spec, w, 0, hi, None) for spec in specs for rows in (removed, added)
    ]
    results = iter(pl.collect_all(queries))
    for spec in specs:
        minus, plus = next(results), next(results)
        if isinstance(spec, Sums):
            st.sums[spec.name] = merge_sums(spec, st.sums[spec.name], minus, plus)
        else:
            removed_values, added_values = (
                bucket_values(minus, w, True),
                bucket_values(plus, w, True),
            )
            update_buckets(st.values[spec.name], removed_values, added_values)
    key = KEYS[stream][0]
    kept = st.fresh.filter(~pl.col(key).is_in(added.get_column(key).implode()))
    st.fresh = pl.concat([kept, added.filter(_since(stream, state.fresh_start))], how="vertical")


def _parts(state: _State, w: Windows) -> Parts:
    """Settled aggregates plus the fresh rows' ones, at ``w.now``."""
    lo, hi = state.fresh_slot, w.today_slot
    jobs: list[tuple[Spec, pl.LazyFrame]] = []
    for stream, stream_spec in state.specs.items():
        fresh = state.streams[stream].fresh.lazy()
        for spec in stream_spec:
            if not (isinstance(spec, Sums) and spec.ts is None):
                jobs.append((spec, _query(fresh, spec, w, lo, hi, w.now)))
    fresh_results = dict(
        zip([s.name for s, _ in jobs], pl.collect_all([q for _, q in jobs]), strict=True)
    )
    sums: dict[str, pl.DataFrame] = {}
    settled: dict[str, dict[Bucket, np.ndarray]] = {}
    fresh_values: dict[str, dict[Bucket, np.ndarray]] = {}
    for stream, stream_spec in state.specs.items():
        st = state.streams[stream]
        for spec in stream_spec:
            if isinstance(spec, Values):
                settled[spec.name] = st.values[spec.name]
                fresh_values[spec.name] = bucket_values(fresh_results[spec.name], w, True)
            elif spec.ts is None:
                sums[spec.name] = st.sums[spec.name]
            else:
                both = [st.sums[spec.name], fresh_results[spec.name]]
                sums[spec.name] = pl.concat(both, how="vertical")
    return Parts(
        w=w,
        sums=sums,
        settled=settled,
        fresh_values=fresh_values,
        fresh={s: st.fresh for s, st in state.streams.items()},
        fresh_slot=state.fresh_slot,
        fresh_start=state.fresh_start,
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
        #: how many times the aggregates were rebuilt from the frames (for tests and bench)
        self.rebuilds = 0

    def update(self, frames: Frames, changes: list[Change] | None) -> None:
        self._frames = frames
        if self._state is None:
            return
        if changes is None:
            self._state = None
            return
        for change in changes:
            if change.stream not in self._state.streams:
                continue  # users, groups, queue, agents_activity: read whole at compute
            if change.removed is None or change.added is None:
                self._state = None
                return
            _apply(self._state, change.stream, change.removed, change.added)

    def compute(self, now: datetime) -> tuple[KpiSnapshot, OpsFigures]:
        w = make_windows(self.cfg, now)
        if self._state is None or self._state.day != w.now_local.date():
            self._state = _build(self._frames, self.cfg, w)
            self.rebuilds += 1
        p = _parts(self._state, w)
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
            agents=agent_kpis(p, frames.users),
            talk=talk.talk_kpis(p, frames.queue, frames.users) if cfg.talk.enabled else None,
        )
