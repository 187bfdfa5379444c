"""Zendesk timestamps, parsed one way everywhere (the edge checks and the frame builders).

Accepted: an ISO-8601 date and time of day (``2023-09-18T15:57:42Z``; seconds, a fraction and
an offset optional; no offset means UTC). A date alone is not a timestamp. Polars' own string
parsing is not used: it infers one format per column and silently nulls values of any other.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


def to_datetime(v: Any) -> datetime | None:
    """``v`` as an aware UTC datetime; None when it is not a timestamp of the accepted shape."""
    if not isinstance(v, str) or not _SHAPE.fullmatch(v):
        return None
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted out of range by its offset
        return None


def to_micros(v: Any) -> int | None:
    """Epoch microseconds of a timestamp string (no range check); None when not one."""
    dt = to_datetime(v)
    return None if dt is None else (dt - _EPOCH) // _US
