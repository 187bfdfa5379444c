"""Typical day and projection (KPIS.md "Typical day and projection").

For each series (tickets created, tickets solved, inbound calls) the engine keeps a
:class:`~deskwatch.kpis.agg.Values` spec of each event's local wall-clock time of day
(µs since its local midnight), bucketed per local date and kept sorted. For a baseline day B
(the same weekday 1..``baselines.weeks`` weeks back):

- ``full(B)``   = the size of B's bucket (every event of the local day B);
- ``so_far(B)`` = how many of B's events happened before today's local clock time of ``now``
  (one binary search). The comparison is by wall clock, so across a DST change it is the same
  local time, not 24 h x k; on the day a clock time is repeated, both occurrences count by
  their clock reading.

A baseline day counts only when its local midnight is at or after the start of the synced
history (``now - sync.history_days``). Quantiles are numpy's default (linear).
``typical_per_hour`` (for the hourly chart, not exported) is, per local clock hour h, the
median over the counted baseline days of the events in hour h of B (null with no day); the
medians of the hours need not add up to the median of the day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl

from deskwatch.config import Config
from deskwatch.kpis.agg import Values
from deskwatch.kpis.parts import Parts
from deskwatch.kpis.stats import EMPTY
from deskwatch.kpis.windows import DAY_US, Windows, local_midnight, micros

HOUR_US = 3600 * 1_000_000
#: series -> the Values spec holding its times of day
SERIES = {"created": "created_tod", "solved": "solved_tod", "inbound_calls": "inbound_tod"}


def tod_spec(name: str, ts: str, where: pl.Expr, w: Windows) -> Values:
    """Times of day of ``ts`` (rows passing ``where``), bucketed per local date."""
    return Values(name, ts, where & pl.col(ts).is_not_null(), w.time_of_day_us(ts))


def history_start(cfg: Config, now: datetime) -> datetime:
    """Where the synced history starts: what the first sync asked for (KPIS.md)."""
    return now - timedelta(days=cfg.sync.history_days)


def baseline_slots(p: Parts, cfg: Config, start: datetime) -> list[int]:
    """The slots of the baseline days that count (newest first)."""
    w = p.w
    today = w.now_local.date()
    slots = []
    for k in range(1, cfg.baselines.weeks + 1):
        day = today - timedelta(days=7 * k)
        if local_midnight(day, w.tz) >= start:
            slots.append(w.today_slot - 7 * k)
    return slots


def now_time_of_day(w: Windows) -> int:
    """Today's local clock time of ``now`` in µs since midnight (as the specs measure it)."""
    return int(w.wall_np(np.array([micros(w.now)]))[0] % DAY_US)


def _quartiles(values: list[int]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "p25": None, "p75": None}
    q = np.quantile(np.asarray(values, dtype=float), [0.5, 0.25, 0.75])
    return {"median": float(q[0]), "p25": float(q[1]), "p75": float(q[2])}


def _days(p: Parts, name: str, slots: list[int]) -> list[np.ndarray]:
    buckets = p.values[name]
    return [buckets.get(("d", s), EMPTY) for s in slots]


def series(p: Parts, name: str, slots: list[int], today: int) -> tuple[dict, dict | None]:
    """``(T, P)`` of KPIS.md for one series: typical and projection (None when n < 2)."""
    cut = float(now_time_of_day(p.w))
    days = _days(p, name, slots)
    so_far = [int(np.searchsorted(d, cut, side="left")) for d in days]
    full = [int(d.size) for d in days]
    typical = {"so_far": _quartiles(so_far), "full_day": _quartiles(full), "n": len(days)}
    if len(days) < 2:
        return typical, None
    rest = _quartiles([f - s for f, s in zip(full, so_far, strict=True)])
    projection = {
        "low": today + rest["p25"],  # type: ignore[operator]
        "expected": today + rest["median"],  # type: ignore[operator]
        "high": today + rest["p75"],  # type: ignore[operator]
    }
    return typical, projection


def per_hour(p: Parts, name: str, slots: list[int]) -> tuple[float, ...] | None:
    """Per local clock hour, the median count over the counted baseline days (None: no day)."""
    if name not in p.values or not slots:
        return None
    counts = np.array(
        [
            np.bincount((d // HOUR_US).astype(np.int64), minlength=24)[:24]
            for d in _days(p, name, slots)
        ]
    )
    return tuple(float(x) for x in np.median(counts, axis=0))


def typical_kpis(p: Parts, cfg: Config, today: dict[str, int | None]) -> dict[str, Any]:
    """``{"typical": ..., "projection": ...}``: ``today`` holds each series' count so far
    (None: the series is off, e.g. Talk)."""
    slots = baseline_slots(p, cfg, history_start(cfg, p.w.now))
    typical: dict[str, Any] = {}
    projection: dict[str, Any] = {}
    for key, name in SERIES.items():
        count = today[key]
        if count is None or name not in p.values:
            typical[key] = projection[key] = None
            continue
        typical[key], projection[key] = series(p, name, slots, count)
    return {"typical": typical, "projection": projection}
