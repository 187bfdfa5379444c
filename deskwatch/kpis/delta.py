"""Following a data change: subtract what the replaced rows gave, add what the new ones give.

A :class:`deskwatch.store.Change` (rows replaced and rows added) runs one eager polars pass over
its rows, signed -1/+1 (:func:`_features`); the cubes take it with ``np.add.at``, the value
buckets with sorted deletes and inserts, and the fresh rows are replaced by id. The cost is in
proportion to the change and the fresh rows, not to the whole history.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from deskwatch.kpis.agg import Sums, bucket_arrays, update_buckets
from deskwatch.kpis.state import (
    Spec,
    State,
    columns,
    fresh_arrays,
    is_fresh,
    latest,
    moment_names,
    moments,
)
from deskwatch.kpis.windows import _lit
from deskwatch.store.schema import KEYS


def _features(stream: str, specs: list[Spec], state: State) -> list[pl.Expr]:
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
    cols += moments(stream)
    cols.append(is_fresh(stream, state.fresh_start).alias("fresh"))
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


def apply_change(state: State, stream: str, removed: pl.DataFrame, added: pl.DataFrame) -> None:
    """Follow one upsert: subtract what ``removed`` gave, add what ``added`` gives."""
    w = state.w
    st, specs = state.streams[stream], state.specs[stream]
    # eager: on a few thousand rows the lazy optimiser costs more than the work
    if stream not in state.features:
        state.features[stream] = (columns(stream, specs), _features(stream, specs, state))
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
    # an id replaced, or (through a filter) gone without a new version
    key = KEYS[stream][0]
    replaced = pl.concat([removed.get_column(key), added.get_column(key)])
    stale = pl.Series(st.fresh["id"]).is_in(replaced.implode())
    keep = ~stale.to_numpy()
    new = (sign > 0) & col("fresh")
    fresh_new = fresh_arrays(stream, {c: col(c)[new] for c in moment_names(stream)}, w)
    st.fresh = {c: np.concatenate([v[keep], fresh_new[c]]) for c, v in st.fresh.items()}
    st.latest = max(st.latest, latest(stream, fresh_new))
