"""Business minutes: Monday-Friday 09:00-17:00 in the account's (fixed) UTC offset."""

from __future__ import annotations

import numpy as np

DAY = 86400
OPEN = 9 * 3600
CLOSE = 17 * 3600
DAY_SECONDS = CLOSE - OPEN
WEEK_SECONDS = 5 * DAY_SECONDS


def _business_seconds_since_epoch(t: np.ndarray, offset: int) -> np.ndarray:
    local = t.astype(np.int64) + offset
    days = np.floor_divide(local, DAY)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    weeks = np.floor_divide(days + 3, 7)
    sec = local - days * DAY
    within = np.where(weekday < 5, np.clip(sec - OPEN, 0, DAY_SECONDS), 0)
    return weeks * WEEK_SECONDS + np.minimum(weekday, 5) * DAY_SECONDS + within


def business_minutes(start: np.ndarray, end: np.ndarray, offset: int = 0) -> np.ndarray:
    """Whole business minutes between ``start`` and ``end`` (epoch seconds, arrays)."""
    a = _business_seconds_since_epoch(np.asarray(start), offset)
    b = _business_seconds_since_epoch(np.asarray(end), offset)
    return np.maximum(b - a, 0) // 60


def is_business_time(t: np.ndarray, offset: int = 0) -> np.ndarray:
    local = np.asarray(t).astype(np.int64) + offset
    days = np.floor_divide(local, DAY)
    weekday = (days + 3) % 7
    sec = local - days * DAY
    return (weekday < 5) & (sec >= OPEN) & (sec < CLOSE)
