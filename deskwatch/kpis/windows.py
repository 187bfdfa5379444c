"""Time ranges of KPIS.md: local-midnight boundaries in the account time zone (DST-aware).

Every boundary is a UTC instant. Ranges are half-open ``[start, end)`` except that a range
ending at ``now`` includes ``now``.

Dating rows by local day is done with a *slot*: the number of local dates since ``first_date``
(the earliest date any range needs: the window start, the 1st of the month, the day
before yesterday, or the oldest baseline day of the typical day).
``Windows.slot(col)`` computes it columnar and exactly, DST included: wall-clock time =
UTC + the zone's offset, where the offset is piecewise constant between the (few) transitions
found in the covered span; slot = floor((wall - wall(first_date 00:00)) / 1 day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from deskwatch.config import Config

TS = pl.Datetime("us", "UTC")
US = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400 * US


def _lit(instant: datetime) -> pl.Expr:
    """A UTC datetime literal built from integers (much cheaper than from a datetime)."""
    micros = (instant - EPOCH) // timedelta(microseconds=1)
    return pl.lit(micros, dtype=pl.Int64).cast(TS)


def micros(instant: datetime) -> int:
    """µs since the epoch of an aware datetime."""
    return (instant - EPOCH) // timedelta(microseconds=1)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant of local midnight starting ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _offset_us(tz: ZoneInfo, epoch_s: int) -> int:
    off = datetime.fromtimestamp(epoch_s, UTC).astimezone(tz).utcoffset()
    return int(off.total_seconds()) * US if off is not None else 0


def offset_steps(tz: ZoneInfo, start: datetime, end: datetime) -> tuple[int, list[tuple[int, int]]]:
    """Offset (µs) at ``start`` and the ``(instant_us, delta_us)`` changes up to ``end``."""
    lo, hi = int(start.timestamp()) - 86_400, int(end.timestamp()) + 86_400
    first = _offset_us(tz, lo)
    steps: list[tuple[int, int]] = []
    prev_t, prev_off = lo, first
    t = lo
    while t < hi:
        t = min(t + 6 * 3600, hi)
        off = _offset_us(tz, t)
        if off != prev_off:
            a, b = prev_t, t  # offset(a) == prev_off, offset(b) != prev_off
            while b - a > 1:
                mid = (a + b) // 2
                if _offset_us(tz, mid) == prev_off:
                    a = mid
                else:
                    b = mid
            steps.append((b * US, off - prev_off))
            prev_off = off
        prev_t = t
    return first, steps


@dataclass(frozen=True)
class Windows:
    tz: ZoneInfo
    now: datetime  # UTC
    now_local: datetime
    today_start: datetime
    yesterday_start: datetime
    yesterday_same_time: datetime  # end (exclusive) of yesterday_same_time
    month_start: datetime
    window_start: datetime
    dates: tuple[date, ...]  # window dates, oldest first
    day_starts: tuple[datetime, ...]  # local midnight of each window date, UTC
    horizon: datetime  # local midnight ending today, UTC
    first_date: date  # slot 0
    first_start: datetime  # local midnight of first_date, UTC
    offset0_us: int
    offset_steps: tuple[tuple[int, int], ...]

    @property
    def earliest(self) -> datetime:
        return self.first_start

    @property
    def today_slot(self) -> int:
        return (self.now_local.date() - self.first_date).days

    @property
    def window_slot(self) -> int:
        return (self.dates[0] - self.first_date).days

    @property
    def month_slot(self) -> int:
        return (self.now_local.date().replace(day=1) - self.first_date).days

    def wall_us(self, col: str) -> pl.Expr:
        """Local wall-clock time of ``col`` as µs since 1970-01-01 00:00 (local)."""
        e = pl.col(col).dt.epoch("us")
        wall = e + self.offset0_us
        for instant, delta in self.offset_steps:
            wall = wall + pl.when(e >= instant).then(delta).otherwise(0)
        return wall

    def slot(self, col: str) -> pl.Expr:
        """Local-date slot of timestamp column ``col`` (exact for rows in [earliest, horizon))."""
        wall = self.wall_us(col)
        base = int(datetime.combine(self.first_date, time(0), tzinfo=UTC).timestamp()) * US
        return ((wall - base) // DAY_US).cast(pl.Int32)

    def wall_np(self, us: np.ndarray) -> np.ndarray:
        """:meth:`wall_us` for an array of µs since the epoch."""
        wall = us + self.offset0_us
        for instant, delta in self.offset_steps:
            wall = wall + np.where(us >= instant, delta, 0)
        return wall

    def slot_of_wall(self, wall: np.ndarray) -> np.ndarray:
        """Local-date slot of :meth:`wall_np` times."""
        base = int(datetime.combine(self.first_date, time(0), tzinfo=UTC).timestamp()) * US
        return (wall - base) // DAY_US

    def time_of_day_us(self, col: str) -> pl.Expr:
        """Local wall-clock time of day of ``col``: µs since its local midnight."""
        return self.wall_us(col) % DAY_US

    def hour_of_wall(self, wall: np.ndarray) -> np.ndarray:
        """Local hour of :meth:`wall_np` times."""
        return (wall // (3600 * US)) % 24


def make_windows(cfg: Config, now: datetime) -> Windows:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = cfg.account.tz
    now_utc = now.astimezone(UTC)
    now_local = now_utc.astimezone(tz)
    today = now_local.date()
    yesterday = today - timedelta(days=1)
    days = cfg.kpis.window_days
    dates = tuple(today - timedelta(days=days - 1 - i) for i in range(days))
    starts = tuple(local_midnight(d, tz) for d in dates)
    same_time = datetime.combine(yesterday, now_local.time().replace(tzinfo=None), tzinfo=tz)
    # two days before today at least: the KPI engine's fresh rows start there; the typical
    # day reads the same weekday back over baselines.weeks weeks
    baseline = today - timedelta(days=7 * cfg.baselines.weeks)
    first_date = min(dates[0], today.replace(day=1), today - timedelta(days=2), baseline)
    first_start = local_midnight(first_date, tz)
    horizon = local_midnight(today + timedelta(days=1), tz)
    off0, steps = offset_steps(tz, first_start, max(now_utc, horizon))
    return Windows(
        tz=tz,
        now=now_utc,
        now_local=now_local,
        today_start=local_midnight(today, tz),
        yesterday_start=local_midnight(yesterday, tz),
        yesterday_same_time=same_time.astimezone(UTC),
        month_start=local_midnight(today.replace(day=1), tz),
        window_start=starts[0],
        dates=dates,
        day_starts=starts,
        horizon=horizon,
        first_date=first_date,
        first_start=first_start,
        offset0_us=off0,
        offset_steps=tuple(steps),
    )
