"""What the KPI figures are built from: every aggregate over every covered date, at one ``now``.

The engine fills a :class:`Parts` from its aggregates and its fresh rows; the KPI
modules only read it, so a snapshot computed from scratch and one kept up to date by deltas
go through the same figure code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from deskwatch.kpis.agg import Bucket, Cube
from deskwatch.kpis.stats import EMPTY, quantile, sorted_stats
from deskwatch.kpis.windows import Windows


class Table:
    """Read access to a Sums spec's sums per slot and key (a :class:`Cube`)."""

    def __init__(self, cube: Cube) -> None:
        self.cube = cube

    def _sum(self, name: str, select: dict[str, Iterable[Any]]) -> np.ndarray:
        """``name`` per slot x remaining keys, the keys in ``select`` cut to those labels."""
        cube = self.cube
        data = cube.data[..., cube.names.index(name)]
        for axis in range(len(cube.keys) - 1, -1, -1):
            key = cube.keys[axis]
            if key in select:
                wanted = set(select[key])
                picks = [i for i, label in enumerate(cube.labels[axis]) if label in wanted]
                data = np.take(data, picks, axis=axis + 1).sum(axis=axis + 1)
        return data

    def per_slot(self, name: str, **select: Iterable[Any]) -> np.ndarray:
        """``name`` summed per slot (over the keys; those in ``select`` cut to those labels)."""
        data = self._sum(name, select)
        return data.reshape(data.shape[0], -1).sum(axis=1)

    def by(self, key: str, names: tuple[str, ...], first_slot: int) -> dict[Any, tuple]:
        """``{label of key: (each of names summed from first_slot on)}`` (rows present only)."""
        cube = self.cube
        axis = cube.keys.index(key)
        labels = cube.labels[axis]
        totals = []
        for name in names:
            data = cube.data[first_slot:, ..., cube.names.index(name)]
            other = tuple(i for i in range(data.ndim) if i != axis + 1)
            totals.append(data.sum(axis=other))
        rows = zip(*(t.tolist() for t in totals), strict=False)
        return {label: row for label, row in zip(labels, rows, strict=False) if row[0] != 0}


@dataclass(frozen=True)
class People:
    """Who is who, read once per users listing: the agents (and admins) and every name."""

    roster: list[tuple[int, str | None]]
    names: dict[int, str | None]

    @classmethod
    def of(cls, users: pl.DataFrame) -> People:
        agents = users.filter(pl.col("role").is_in(["agent", "admin"]))
        ids, names = agents.get_column("id").to_list(), agents.get_column("name").to_list()
        everyone = users.get_column("id").to_list(), users.get_column("name").to_list()
        return cls(list(zip(ids, names, strict=True)), dict(zip(*everyone, strict=True)))


@dataclass(frozen=True)
class Parts:
    w: Windows
    #: dated Sums spec name -> its sums per slot and key; undated -> its totals
    sums: dict[str, Cube]
    totals: dict[str, dict[str, float]]
    #: Values spec name -> its buckets (sorted arrays)
    values: dict[str, dict[Bucket, np.ndarray]]
    #: stream -> its live rows with an event on or after the first fresh date, as numpy
    #: columns: id and per event timestamp ``ts``: ``ts_us`` (µs since the epoch, -1 when
    #: absent), ``ts_slot`` and ``ts_hour`` (local)
    fresh: dict[str, dict[str, np.ndarray]]
    #: the first slot of the fresh rows and its local midnight (UTC)
    fresh_slot: int
    fresh_start: datetime
    people: People

    def table(self, name: str) -> Table:
        """A dated Sums spec's sums."""
        return Table(self.sums[name])

    def stats(self, name: str, bucket: Bucket) -> dict[str, Any]:
        """STATS of one bucket of a Values spec."""
        return sorted_stats(self.values[name].get(bucket, EMPTY))

    def median(self, name: str, bucket: Bucket) -> float | None:
        values = self.values[name].get(bucket, EMPTY)
        return quantile(values, 0.5) if values.size else None

    def current(self, name: str) -> dict[str, int]:
        """An undated Sums spec's totals, as ints."""
        return {k: int(v) for k, v in self.totals[name].items()}
