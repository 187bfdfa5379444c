"""Paging helpers: cursor pages skip superseded versions; time pages never split a timestamp."""

from __future__ import annotations

import numpy as np
import pytest

from deskwatch.sim.exports import (
    BadCursor,
    cursor_page,
    decode_cursor,
    encode_cursor,
    resume_position,
    time_page,
)
from deskwatch.sim.live import Pool


def test_cursor_round_trip_and_garbage() -> None:
    assert decode_cursor(encode_cursor(1_700_000_000, 42)) == (1_700_000_000, 42)
    with pytest.raises(BadCursor):
        decode_cursor("not base64!")


def test_cursor_pages_cover_valid_rows_once() -> None:
    valid_rows = np.array([i % 3 != 0 for i in range(100)])

    def valid(idx: np.ndarray) -> np.ndarray:
        return valid_rows[idx]

    seen: list[int] = []
    start, pages = 0, 0
    while True:
        page = cursor_page(100, start, 7, valid)
        seen += page.rows
        pages += 1
        start = page.last_pos + 1
        if page.end_of_stream:
            break
    assert seen == [i for i in range(100) if i % 3 != 0]
    assert pages == -(-66 // 7)


def test_end_of_stream_when_only_superseded_rows_remain() -> None:
    valid_rows = np.array([True] * 5 + [False] * 5)
    page = cursor_page(10, 0, 5, lambda idx: valid_rows[idx])
    assert page.rows == [0, 1, 2, 3, 4] and page.end_of_stream


def test_resume_after_a_restart_uses_the_timestamp() -> None:
    ts = np.array([10, 20, 20, 30, 40])
    assert resume_position(ts, encode_cursor(20, 2)) == 3  # same run: the position
    assert resume_position(ts, encode_cursor(20, 7)) == 3  # other run: after ts 20
    assert resume_position(ts, encode_cursor(25, 1)) == 3


def test_time_page_is_inclusive_and_keeps_equal_timestamps_together() -> None:
    updated = np.array([5, 10, 10, 10, 20, 30])
    assert time_page(updated, 10, 2) == (1, 4, 10)  # the third 10 joins the page
    assert time_page(updated, 30, 100) == (5, 6, 30)  # the last record comes back
    assert time_page(updated, 31, 100) == (6, 6, 31)


def test_pool_choice_add_discard() -> None:
    pool = Pool([1, 2, 3])
    pool.discard(2)
    pool.add(4)
    pool.add(4)
    assert sorted(pool.items) == [1, 3, 4] and len(pool) == 3
    rng = np.random.default_rng(0)
    assert {pool.choice(rng) for _ in range(50)} == {1, 3, 4}
