"""The KPI engine: every figure from aggregates that deltas keep up to date.

Per local date the engine holds a :class:`deskwatch.kpis.state.State` (aggregates and fresh
rows, built from the frames) and follows each data change by delta
(:mod:`deskwatch.kpis.delta`), so a refresh after an upsert costs in proportion to the change,
not to the whole history. A compute takes back what events after ``now`` gave (normally none)
and builds the figures from a :class:`deskwatch.kpis.parts.Parts`. A new local date, a swapped
frame or a gap in the changes rebuilds the state from the frames; a from-scratch compute
(:func:`deskwatch.kpis.compute_snapshot`) is that same rebuild.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from deskwatch.config import Config
from deskwatch.kpis import csat, talk, tickets
from deskwatch.kpis.agents import agent_kpis
from deskwatch.kpis.agg import Bucket, Cube, Sums, bucket_values, update_buckets
from deskwatch.kpis.board import board
from deskwatch.kpis.delta import apply_change
from deskwatch.kpis.filtered import narrow_changes
from deskwatch.kpis.filters import TicketFilter, narrow
from deskwatch.kpis.ops import ops_from_parts
from deskwatch.kpis.parts import Parts, People
from deskwatch.kpis.previous import Previous
from deskwatch.kpis.snapshot import SCHEMA, KpiSnapshot
from deskwatch.kpis.state import TIMESTAMPS, State, build, query, undated
from deskwatch.kpis.typical import typical_kpis
from deskwatch.kpis.windows import Windows, make_windows, micros
from deskwatch.store.cache import Change, Frames
from deskwatch.store.schema import KEYS


def _parts(state: State, frames: Frames, w: Windows, people: People) -> Parts:
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
        dated_specs = [spec for spec in stream_spec if not undated(spec)]
        queries = [query(future, spec, w, until) for spec in dated_specs for until in (None, w.now)]
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
    """Keeps the KPI aggregates of one config and one ticket filter up to date with a cache's
    changes (a different config or filter is a different engine).

    ``update(frames, changes)`` after the data changed (``changes`` from
    ``Cache.changes_since``; None: unknown, start over), then ``compute(now)``. One thread at
    a time.
    """

    def __init__(self, cfg: Config, flt: TicketFilter | None = None) -> None:
        self.cfg = cfg
        self.filter = flt if flt is not None and flt.active else None
        self._frames = Frames.empty()
        self._state: State | None = None
        self._previous: Previous | None = None  # the previous window, per agent
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
        if self.filter is not None and changes:
            if any(c.removed is None or c.added is None for c in changes):
                self._state = None
                return
            changes = narrow_changes(changes, frames, self.filter)
        try:
            for change in changes:
                if change.stream not in self._state.streams:
                    continue  # users, groups, queue, agents_activity: read whole at compute
                if change.removed is None or change.added is None:
                    self._state = None
                    return
                apply_change(self._state, change.stream, change.removed, change.added)
                if self._previous is not None:
                    self._previous.apply(change.stream, change.removed, change.added)
        except BaseException:
            self._state = None  # half-applied: start over from the frames next time
            raise

    def compute(self, now: datetime) -> KpiSnapshot:
        w = make_windows(self.cfg, now)
        if self._state is None or self._state.day != w.now_local.date():
            frames = narrow(self._frames, self.filter)
            self._state = build(frames, self.cfg, w)
            self._previous = Previous.build(frames, w, self.cfg.sync.history_days)
            self.rebuilds += 1
        if self._people[0] is not self._frames.users:
            self._people = (self._frames.users, People.of(self._frames.users))
        p = _parts(self._state, self._frames, w, self._people[1])
        return self._snapshot(p)

    def _snapshot(self, p: Parts) -> KpiSnapshot:
        cfg, frames, w = self.cfg, self._frames, p.w
        ticket_figures = tickets.ticket_kpis(p, cfg.cost.monthly_support_cost)
        talk_figures = (
            talk.talk_kpis(p, frames.queue, frames.agents_activity) if cfg.talk.enabled else None
        )
        today = {
            "created": ticket_figures["created"]["today"],
            "solved": ticket_figures["solved"]["today"],
            "inbound_calls": talk_figures["inbound"]["today"] if talk_figures else None,
        }
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
            tickets=ticket_figures,
            csat=csat.csat_kpis(p),
            agents=agent_kpis(p),
            talk=talk_figures,
            filters=None if self.filter is None else self.filter.to_json(),
            **typical_kpis(p, cfg, today),
            ops=ops_from_parts(p, frames, cfg),
            scope="" if self.filter is None else self.filter.label,
            board=board(p, self._previous, frames.agents_activity if cfg.talk.enabled else None),
        )
