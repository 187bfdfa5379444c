"""Pure helpers behind the charts: downsampling and the plot theme choice."""

from __future__ import annotations

import pytest

from deskwatch.widgets.trend_chart import downsample, plot_theme_for


def test_short_series_unchanged() -> None:
    assert downsample(["a", "b"], [1.0, None], 5) == (["a", "b"], [1.0, None])


def test_buckets_keep_last_label_and_mean_of_present_values() -> None:
    labels = [f"d{i}" for i in range(7)]
    values = [1.0, 3.0, None, None, 10.0, None, 4.0]
    # 7 points into at most 3 buckets -> buckets of 3: [1,3,None] [None,10,None] [4]
    assert downsample(labels, values, 3) == (["d2", "d5", "d6"], [2.0, 10.0, 4.0])


def test_all_null_bucket_stays_null() -> None:
    assert downsample(["a", "b", "c", "d"], [None, None, 5.0, 7.0], 2) == (["b", "d"], [None, 6.0])


def test_365_days_fit_the_width() -> None:
    labels, values = downsample([str(i) for i in range(365)], [float(i) for i in range(365)], 40)
    assert len(values) <= 40
    assert labels[-1] == "364"
    assert values[0] == pytest.approx(sum(range(10)) / 10)


@pytest.mark.parametrize(
    ("theme", "no_color", "expected"),
    [
        ("textual-dark", False, "auto"),
        ("nord", False, "auto"),
        ("ansi-dark", False, "pro"),
        ("ansi-light", False, "pro"),
        ("textual-dark", True, "clear"),
        ("ansi-light", True, "clear"),
    ],
)
def test_plot_theme(theme: str, no_color: bool, expected: str) -> None:
    assert plot_theme_for(theme, no_color) == expected
