"""Number, duration and change formatting for the dashboards: pure functions, no Textual.

Every function accepts ``None`` (a KPI with nothing to measure) and renders it as ``"—"``.
Numbers are rounded half away from zero, never with Python's banker's rounding, so
``0.5`` shows as ``1`` and ``2.5`` as ``3``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

MISSING = "—"
UP = "▲"
DOWN = "▼"
FLAT = "="

Direction = Literal["up", "down", "flat"]
Verdict = Literal["good", "bad", "neutral"]


def round_half_up(value: float, digits: int = 0) -> float:
    """Round half away from zero (``round_half_up(2.5) == 3``)."""
    scale = 10**digits
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def fmt_count(value: float | None) -> str:
    """A count with thousands separators: ``1234`` -> ``"1,234"``; ``None`` -> ``"—"``."""
    if not _is_number(value):
        return MISSING
    assert value is not None
    return f"{int(round_half_up(value)):,}"


def fmt_minutes(value: float | None) -> str:
    """A duration given in minutes, at a precision a supervisor reads at a glance.

    ``None`` -> ``"—"``; under 10 min one decimal (``"4.5m"``); under an hour whole
    minutes (``"42m"``); under a day hours and minutes (``"3h 05m"``); otherwise days and
    hours (``"2d 04h"``); from 100 days on whole days (``"123d"``).
    """
    if not _is_number(value):
        return MISSING
    assert value is not None
    minutes = max(0.0, float(value))
    if round_half_up(minutes, 1) < 10:
        return f"{round_half_up(minutes, 1):.1f}m"
    whole = int(round_half_up(minutes))
    if whole < 60:
        return f"{whole}m"
    if whole < 24 * 60:
        return f"{whole // 60}h {whole % 60:02d}m"
    hours = int(round_half_up(minutes / 60))
    if hours >= 100 * 24:
        return f"{int(round_half_up(hours / 24)):,}d"
    return f"{hours // 24}d {hours % 24:02d}h"


def fmt_seconds(value: float | None) -> str:
    """A duration given in seconds, for call figures: ``24.5`` -> ``"25s"``, ``185`` ->
    ``"3m 05s"``, ``4000`` -> ``"1h 07m"``; ``None`` -> ``"—"``."""
    if not _is_number(value):
        return MISSING
    assert value is not None
    whole = int(round_half_up(max(0.0, float(value))))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return fmt_minutes(whole / 60)


def fmt_minutes_clock(value: float | None) -> str:
    """A duration in minutes as ``H:MM`` (for big ``Digits``): ``125`` -> ``"2:05"``."""
    if not _is_number(value):
        return MISSING
    assert value is not None
    whole = int(round_half_up(max(0.0, float(value))))
    return f"{whole // 60}:{whole % 60:02d}"


def fmt_ratio(value: float | None, *, decimals: int = 0) -> str:
    """A share 0..1 as a percentage: ``0.856`` -> ``"86%"``; with ``decimals=1``
    ``0.0207`` -> ``"2.1%"``."""
    if not _is_number(value):
        return MISSING
    assert value is not None
    if decimals:
        return f"{round_half_up(value * 100, decimals):.{decimals}f}%"
    return f"{int(round_half_up(value * 100))}%"


def pct_change(current: float | None, previous: float | None) -> float | None:
    """``(current - previous) / previous``; None when undefined (previous 0 or missing)."""
    if not (_is_number(current) and _is_number(previous)) or previous == 0:
        return None
    assert current is not None and previous is not None
    return (current - previous) / previous


@dataclass(frozen=True)
class Delta:
    """A change vs a previous value, ready to show: ``text`` like ``"▲ 12%"``."""

    text: str
    direction: Direction | None

    def verdict(self, up_is_good: bool | None) -> Verdict:
        """good/bad for this change when up is good (True), bad (False) or neither (None)."""
        if up_is_good is None or self.direction in (None, "flat"):
            return "neutral"
        return "good" if (self.direction == "up") == up_is_good else "bad"


NO_DELTA = Delta("", None)


def delta(current: float | None, previous: float | None) -> Delta:
    """The change from ``previous`` to ``current`` as an arrow and a percentage.

    Missing either side gives ``NO_DELTA`` (no arrow at all). From 0 to more shows
    ``"▲ new"``; a change under half a percent shows as ``"<1%"`` with its arrow.
    """
    if not (_is_number(current) and _is_number(previous)):
        return NO_DELTA
    assert current is not None and previous is not None
    if current == previous:
        return Delta(f"{FLAT} 0%", "flat")
    direction: Direction = "up" if current > previous else "down"
    arrow = UP if direction == "up" else DOWN
    if previous == 0:
        return Delta(f"{arrow} new", direction)
    change = abs(current - previous) / abs(previous) * 100
    shown = int(round_half_up(change))
    text = "<1%" if shown == 0 else f"{shown:,}%"
    return Delta(f"{arrow} {text}", direction)


def versus_target(value: float | None, target: float | None, *, lower_is_better: bool) -> Verdict:
    """good when ``value`` meets ``target`` (at or under it when lower is better), else bad."""
    if not (_is_number(value) and _is_number(target)):
        return "neutral"
    assert value is not None and target is not None
    met = value <= target if lower_is_better else value >= target
    return "good" if met else "bad"
