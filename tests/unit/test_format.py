"""deskwatch.format: every branch, with expected strings written out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskwatch.format import (
    NO_DELTA,
    Delta,
    delta,
    fmt_count,
    fmt_minutes,
    fmt_minutes_clock,
    fmt_ratio,
    pct_change,
    round_half_up,
    versus_target,
)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(0.5, 0, 1.0), (1.5, 0, 2.0), (2.5, 0, 3.0), (-2.5, 0, -3.0), (9.95, 1, 10.0), (0.04, 1, 0.0)],
)
def test_round_half_up(value: float, digits: int, expected: float) -> None:
    assert round_half_up(value, digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "—"),
        (0, "0"),
        (7, "7"),
        (1234, "1,234"),
        (1234567, "1,234,567"),
        (2.5, "3"),
        (float("nan"), "—"),
        (True, "—"),
    ],
)
def test_fmt_count(value: float | None, expected: str) -> None:
    assert fmt_count(value) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (None, "—"),
        (0, "0.0m"),
        (4.44, "4.4m"),
        (4.45, "4.5m"),
        (9.94, "9.9m"),
        (9.96, "10m"),
        (42.4, "42m"),
        (59.5, "1h 00m"),
        (60, "1h 00m"),
        (185, "3h 05m"),
        (1439, "23h 59m"),
        (1439.6, "1d 00h"),
        (1440, "1d 00h"),
        (3090, "2d 04h"),  # 51.5 h rounds up to 52 h
        (143_000, "99d 07h"),
        (144_000, "100d"),
        (-3, "0.0m"),
        (float("inf"), "—"),
    ],
)
def test_fmt_minutes(minutes: float | None, expected: str) -> None:
    assert fmt_minutes(minutes) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(None, "—"), (0, "0:00"), (42.6, "0:43"), (125, "2:05"), (1500, "25:00")],
)
def test_fmt_minutes_clock(minutes: float | None, expected: str) -> None:
    assert fmt_minutes_clock(minutes) == expected


@pytest.mark.parametrize(
    ("ratio", "expected"), [(None, "—"), (0, "0%"), (0.855, "86%"), (1, "100%"), (0.005, "1%")]
)
def test_fmt_ratio(ratio: float | None, expected: str) -> None:
    assert fmt_ratio(ratio) == expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(110, 100, 0.1), (90, 100, -0.1), (5, 0, None), (None, 3, None), (3, None, None)],
)
def test_pct_change(current: float | None, previous: float | None, expected: float | None) -> None:
    result = pct_change(current, previous)
    if expected is None:
        assert result is None
    else:
        assert result is not None and math.isclose(result, expected)


@pytest.mark.parametrize(
    ("current", "previous", "text", "direction"),
    [
        (112, 100, "▲ 12%", "up"),
        (88, 100, "▼ 12%", "down"),
        (100, 100, "= 0%", "flat"),
        (0, 0, "= 0%", "flat"),
        (5, 0, "▲ new", "up"),
        (1001, 1000, "▲ <1%", "up"),
        (999, 1000, "▼ <1%", "down"),
        (1005, 1000, "▲ 1%", "up"),  # 0.5 % rounds up, not to even
        (0, 40, "▼ 100%", "down"),
        (50, 1, "▲ 4,900%", "up"),
        (3, 8, "▼ 63%", "down"),  # 62.5 % -> 63 %
    ],
)
def test_delta(current: float, previous: float, text: str, direction: str) -> None:
    assert delta(current, previous) == Delta(text, direction)  # type: ignore[arg-type]


@pytest.mark.parametrize(("current", "previous"), [(None, 3), (3, None), (None, None)])
def test_delta_missing_side_has_no_arrow(current: float | None, previous: float | None) -> None:
    assert delta(current, previous) is NO_DELTA
    assert NO_DELTA.text == ""


@pytest.mark.parametrize(
    ("current", "previous", "up_is_good", "verdict"),
    [
        (5, 3, True, "good"),
        (5, 3, False, "bad"),
        (3, 5, False, "good"),
        (3, 5, True, "bad"),
        (3, 5, None, "neutral"),
        (3, 3, True, "neutral"),
        (None, 3, True, "neutral"),
    ],
)
def test_delta_verdict(
    current: float | None, previous: float | None, up_is_good: bool | None, verdict: str
) -> None:
    assert delta(current, previous).verdict(up_is_good) == verdict


@pytest.mark.parametrize(
    ("value", "target", "lower", "verdict"),
    [
        (45, 60, True, "good"),
        (60, 60, True, "good"),
        (61, 60, True, "bad"),
        (0.9, 0.85, False, "good"),
        (0.8, 0.85, False, "bad"),
        (None, 60, True, "neutral"),
        (45, None, True, "neutral"),
    ],
)
def test_versus_target(
    value: float | None, target: float | None, lower: bool, verdict: str
) -> None:
    assert versus_target(value, target, lower_is_better=lower) == verdict


@given(st.floats(min_value=0, max_value=10**7, allow_nan=False))
def test_fmt_minutes_is_short_and_never_empty(minutes: float) -> None:
    text = fmt_minutes(minutes)
    assert text and len(text) <= 8


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_delta_arrow_matches_sign(current: int, previous: int) -> None:
    d = delta(current, previous)
    arrow = {"up": "▲", "down": "▼", "flat": "="}[d.direction or "flat"]
    assert d.text.startswith(arrow)
    assert (d.direction == "up") == (current > previous)


def test_fmt_seconds() -> None:
    from deskwatch.format import fmt_seconds

    assert [fmt_seconds(v) for v in (None, 0, 24.5, 59.4, 60, 185, 3599, 4000)] == [
        "—",
        "0s",
        "25s",
        "59s",
        "1m 00s",
        "3m 05s",
        "59m 59s",
        "1h 07m",
    ]
