"""Text bars: scaled to the largest value, numbers never cut, non-zero counts always visible."""

from __future__ import annotations

from deskwatch.views.figures import Bar
from deskwatch.widgets.bar_list import bar_lines


def test_bars_scale_to_the_largest_and_keep_numbers_whole() -> None:
    bars = [Bar("email", 2100, "2,100"), Bar("web", 1050, "1,050"), Bar("api", 1, "1")]
    lines = bar_lines(bars, 30)
    assert [len(label + " " + bar + " " + num) for label, bar, num in lines] == [30] * 3
    (_, top, n0), (_, half, n1), (_, tiny, n2) = lines
    assert top.strip() == "█" * 18  # 30 - label 5 - number 5 - 2 spaces
    assert half.strip() == "█" * 9
    assert tiny.strip() == "▏"  # 1 of 2,100 still shows
    assert (n0, n1, n2) == ("2,100", "1,050", "    1")


def test_narrow_width_drops_the_bar_not_the_number() -> None:
    lines = bar_lines([Bar("question", 1000, "1,000"), Bar("none", 0, "0")], 10)
    assert [(label.strip(), num.strip()) for label, _, num in lines] == [
        ("que…", "1,000"),  # the label gives way, down to 4 cells
        ("none", "0"),
    ]
    assert all(bar.strip() == "" for _, bar, _ in lines)
    assert bar_lines([], 40) == []


def test_a_long_label_is_shortened_so_the_number_fits() -> None:
    bars = [Bar("native messaging", 1290, "1,290"), Bar("email", 4153, "4,153")]
    lines = bar_lines(bars, 22)
    assert [num for _, _, num in lines] == ["1,290", "4,153"]
    assert all(len(f"{label} {bar} {num}") <= 22 for label, bar, num in lines)
    assert lines[0][0].startswith("native mess") and lines[0][0].rstrip().endswith("…")
