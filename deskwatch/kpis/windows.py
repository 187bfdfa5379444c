"""Time ranges of KPIS.md: local-midnight boundaries in the account time zone (DST-aware).

Every boundary is a UTC instant. Ranges are half-open ``[start, end)`` except that a range
ending at ``now`` includes ``now``. ``day_index`` maps timestamps to the window's date slots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from deskwatch.config import Config

TS = pl.Datetime("us", "UTC")


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant of local midnight starting ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


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
    cutoffs: tuple[datetime, ...]  # min(next local midnight, now) per window date

    @property
    def earliest(self) -> datetime:
        return min(self.window_start, self.month_start, self.yesterday_start)

    def starts_series(self) -> pl.Series:
        return pl.Series("starts", list(self.day_starts), dtype=TS)


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
    nexts = (*starts[1:], local_midnight(today + timedelta(days=1), tz))
    same_time = datetime.combine(yesterday, now_local.time().replace(tzinfo=None), tzinfo=tz)
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
        cutoffs=tuple(min(n, now_utc) for n in nexts),
    )


def between(col: str, start: datetime, end: datetime, *, include_end: bool = False) -> pl.Expr:
    c = pl.col(col)
    upper = c <= end if include_end else c < end
    return (c >= start) & upper


def in_today(col: str, w: Windows) -> pl.Expr:
    return between(col, w.today_start, w.now, include_end=True)


def in_yesterday_same_time(col: str, w: Windows) -> pl.Expr:
    return between(col, w.yesterday_start, w.yesterday_same_time)


def in_yesterday(col: str, w: Windows) -> pl.Expr:
    return between(col, w.yesterday_start, w.today_start)


def in_month(col: str, w: Windows) -> pl.Expr:
    return between(col, w.month_start, w.now, include_end=True)


def in_window(col: str, w: Windows) -> pl.Expr:
    return between(col, w.window_start, w.now, include_end=True)


def day_index(col: str, w: Windows) -> pl.Expr:
    """Slot of the window date holding ``col`` (only meaningful for rows in the window)."""
    idx = pl.lit(w.starts_series()).search_sorted(pl.col(col), side="right").cast(pl.Int32)
    return (idx - 1).alias("day")


def iso_dates(w: Windows) -> list[str]:
    return [d.isoformat() for d in w.dates]
