"""Aggregates that a delta can update: group-by-sum tables and sorted value buckets.

A KPI input is declared once as a *spec* over the rows of one stream:

- :class:`Sums`: rows passing ``where``, dated by ``ts`` (a local-date ``slot``, see
  :mod:`deskwatch.kpis.windows`) and grouped by ``keys``, with column sums. Sums are additive,
  so replacing some rows is: subtract what the old versions gave, add what the new ones give.
  ``ts=None`` gives one undated row over every row.
- :class:`Values`: the values themselves, kept sorted per bucket (one per date, the window,
  the month so far, and per agent over the window), for exact medians and p90s.

The engine keeps these over events up to the end of today; a compute takes back what events
after ``now`` gave (normally none).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from deskwatch.kpis.stats import EMPTY
from deskwatch.kpis.windows import Windows, _lit

Bucket = tuple[str, int]  # ("d", slot) | ("w", 0) | ("m", 0) | ("a", agent_id)


@dataclass(frozen=True)
class Sums:
    name: str
    ts: str | None
    where: pl.Expr
    keys: tuple[str, ...]
    #: name -> a boolean expression (summed: the rows where it holds) or a numeric one (nulls
    #: count 0); the row count ``n`` is always there besides
    sums: dict[str, pl.Expr] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return ["n", *self.sums]


@dataclass(frozen=True)
class Values:
    name: str
    ts: str
    where: pl.Expr  # must exclude null values
    value: pl.Expr
    agent: str | None = None  # column giving per-agent window buckets


def dated(
    lf: pl.LazyFrame, ts: str, w: Windows, until: datetime | None = None, slotted: bool = False
) -> pl.LazyFrame:
    """Rows whose ``ts`` lies in [first range start, ``until``] (default: before the horizon,
    the end of today), with their ``slot`` (taken from a ``ts/slot`` column when
    ``slotted``)."""
    keep = pl.col(ts) >= _lit(w.first_start)
    if until is None:
        keep = keep & (pl.col(ts) < _lit(w.horizon))
    else:
        keep = keep & (pl.col(ts) <= _lit(until))
    slot = pl.col(f"{ts}/slot") if slotted else w.slot(ts)
    return lf.filter(keep).with_columns(slot.alias("slot"))


def sums_query(
    rows: pl.LazyFrame,
    spec: Sums,
    w: Windows,
    until: datetime | None = None,
    *,
    slotted: bool = False,
) -> pl.LazyFrame:
    """``spec`` over ``rows`` (dated rows as :func:`dated` keeps them)."""
    # summed as they are: a boolean sums to a count without an Int64 column per row
    aggs = [pl.len().alias("n"), *(expr.sum().alias(name) for name, expr in spec.sums.items())]
    lf = rows.filter(spec.where)
    if spec.ts is None:
        return lf.select(aggs)
    return dated(lf, spec.ts, w, until, slotted).group_by(["slot", *spec.keys]).agg(aggs)


def values_query(
    rows: pl.LazyFrame,
    spec: Values,
    w: Windows,
    until: datetime | None = None,
    *,
    slotted: bool = False,
) -> pl.LazyFrame:
    """``slot``, ``value`` (and ``agent``) of ``spec`` over ``rows``, sorted by value."""
    cols = [pl.col("slot"), spec.value.cast(pl.Float64).alias("value")]
    if spec.agent is not None:
        cols.append(pl.col(spec.agent).alias("agent"))
    lf = dated(rows.filter(spec.where), spec.ts, w, until, slotted)
    # one thread per sort: the engine runs many of these side by side (collect_all)
    return lf.select(cols).sort("value", multithreaded=False)


class Cube:
    """A dated Sums spec's state: its sums per (slot, key values...) in one dense array.

    Key values get an index the first time they are seen (the axis grows); a change is added
    with ``np.add.at``, so following a delta costs microseconds. Sums are float64 (counts stay
    exact integers far beyond any ticket count).
    """

    def __init__(self, spec: Sums, slots: int) -> None:
        self.names = spec.names
        self.keys = spec.keys
        self.labels: list[list[Any]] = [[] for _ in spec.keys]
        self._index: list[dict[Any, int]] = [{} for _ in spec.keys]
        self.data = np.zeros((slots, *(0 for _ in spec.keys), len(self.names)))

    def copy(self) -> Cube:
        twin = copy.copy(self)
        twin.labels = [list(x) for x in self.labels]
        twin._index = [dict(x) for x in self._index]
        twin.data = self.data.copy()
        return twin

    def add(self, table: pl.DataFrame, sign: float = 1.0) -> None:
        """Add (or with ``sign`` -1 take away) the rows of a :func:`sums_query` result."""
        if table.height == 0:
            return
        codes = [
            np.array(self._register(axis, table.get_column(key).to_list()), dtype=np.int64)
            for axis, key in enumerate(self.keys)
        ]
        values = table.select(pl.col(self.names).cast(pl.Float64)).to_numpy()
        where = (table.get_column("slot").to_numpy(), *codes)
        np.add.at(self.data, where, values * sign)

    def add_arrays(self, slots: np.ndarray, labels: list[list[Any]], values: np.ndarray) -> None:
        """Add ``values`` (rows x sums) at ``slots`` and the key ``labels`` (one list per key)."""
        codes = [self._register(axis, x) for axis, x in enumerate(labels)]
        np.add.at(self.data, (slots, *(np.asarray(c, dtype=np.int64) for c in codes)), values)

    def _register(self, axis: int, labels: list[Any]) -> list[int]:
        """The index of each of ``labels`` on ``axis``, giving new labels the next ones."""
        index = self._index[axis]
        for label in set(labels).difference(index):
            index[label] = len(self.labels[axis])
            self.labels[axis].append(label)
        size = len(self.labels[axis])
        if size > self.data.shape[axis + 1]:  # grow the axis (doubling, so rarely)
            pad = [(0, 0)] * self.data.ndim
            pad[axis + 1] = (
                0,
                max(size, 2 * self.data.shape[axis + 1]) - self.data.shape[axis + 1],
            )
            self.data = np.pad(self.data, pad)
        return [index[x] for x in labels]


# -- sorted value buckets ---------------------------------------------------------------------
def bucket_values(df: pl.DataFrame, w: Windows) -> dict[Bucket, np.ndarray]:
    """``values_query`` rows (sorted by value) split into sorted buckets (see
    :func:`bucket_arrays`)."""
    if df.height == 0:
        return {}
    agents = df.get_column("agent").fill_null(-1).to_numpy() if "agent" in df.columns else None
    return bucket_arrays(
        df.get_column("value").to_numpy(), df.get_column("slot").to_numpy(), agents, w
    )


def bucket_arrays(
    vals: np.ndarray, slots: np.ndarray, agents: np.ndarray | None, w: Windows
) -> dict[Bucket, np.ndarray]:
    """Values split into buckets, keeping their order (sorted in, sorted out).

    Buckets: ``("d", slot)`` per date, ``("w", 0)`` the window, ``("m", 0)`` the month so far
    and, with ``agents``, ``("a", agent)`` per agent over the window (null agent: -1).
    """
    if vals.size == 0:
        return {}
    out: dict[Bucket, np.ndarray] = {}
    out.update(_split(vals, slots, "d"))
    in_window = slots >= w.window_slot
    out[("w", 0)] = vals[in_window]
    out[("m", 0)] = vals[slots >= w.month_slot]
    if agents is not None:
        out.update(_split(vals[in_window], agents[in_window], "a"))
    return {k: v for k, v in out.items() if v.size}


def _split(vals: np.ndarray, keys: np.ndarray, kind: str) -> dict[Bucket, np.ndarray]:
    """Stable split of ``vals`` by integer ``keys`` (the order inside each part is kept)."""
    if vals.size == 0:
        return {}
    # slots: radix sort of 16-bit codes; few ids: a sort; many ids: a hash group-by
    codes: np.ndarray
    if keys.min() >= 0 and keys.max() < 2**15:
        codes = keys.astype(np.int16)
        uniq = np.arange(int(keys.max()) + 1)
    elif keys.size < 50_000:  # small (a delta): a plain sort is cheaper than a hash pass
        uniq, codes = np.unique(keys, return_inverse=True)
    else:  # large (a rebuild): polars groups by hash and keeps each group's order
        groups = pl.DataFrame({"k": keys, "v": vals}).group_by("k").agg(pl.col("v"))
        flat = groups.get_column("v").explode().to_numpy()
        lengths = groups.get_column("v").list.len().to_numpy().astype(np.int64)
        ends = np.cumsum(lengths)
        return {
            (kind, int(k)): flat[end - size : end]
            for k, end, size in zip(groups.get_column("k").to_list(), ends, lengths, strict=True)
            if size
        }
    order = np.argsort(codes, kind="stable")
    edges = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=uniq.size))))
    ordered = vals[order]
    parts = {(kind, int(k)): ordered[edges[i] : edges[i + 1]] for i, k in enumerate(uniq)}
    return {k: v for k, v in parts.items() if v.size}


def update_buckets(
    buckets: dict[Bucket, np.ndarray],
    removed: dict[Bucket, np.ndarray],
    added: dict[Bucket, np.ndarray],
) -> None:
    """Remove then insert values, keeping every bucket sorted (in place on the dict)."""
    for key in set(removed) | set(added):
        arr = buckets.get(key, np.empty(0))
        gone, new = np.sort(removed.get(key, EMPTY)), np.sort(added.get(key, EMPTY))
        if np.array_equal(gone, new):
            continue  # e.g. a ticket updated without touching this value
        if gone.size:
            arr = _remove_sorted(arr, gone)
        if new.size:
            arr = np.insert(arr, np.searchsorted(arr, new), new)
        if arr.size:
            buckets[key] = arr
        else:
            buckets.pop(key, None)


def _remove_sorted(arr: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """``arr`` minus the multiset ``gone`` (both sorted; every value of ``gone`` is in ``arr``)."""
    first = np.searchsorted(arr, gone, side="left")
    # the k-th repeat of a value removes the k-th copy of it
    starts = np.searchsorted(gone, gone, side="left")
    positions = first + (np.arange(gone.size) - starts)
    if positions.size and (positions[-1] >= arr.size or not np.array_equal(arr[positions], gone)):
        raise ValueError("removing values that are not in the bucket")
    return np.delete(arr, positions)
