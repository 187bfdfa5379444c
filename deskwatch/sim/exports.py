"""Paging over the columnar account: cursor exports, time-based exports, cursor lists."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class BadCursor(ValueError):
    pass


def encode_cursor(ts: int, pos: int) -> str:
    """Opaque like Zendesk's (which decodes to ``"<ts>.0||<id>|"``); ours carries a log position."""
    return base64.b64encode(f"{ts}.0||{pos}|".encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, int]:
    """``(timestamp, log position)`` of the last record the cursor's page covered."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        ts, rest = text.split("||")
        return int(float(ts)), int(rest.rstrip("|"))
    except (ValueError, IndexError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc


def resume_position(ts_col: np.ndarray, cursor: str) -> int:
    """Where the page after ``cursor`` starts. A cursor from another run of the simulator
    (its position no longer holds its timestamp) resumes after its timestamp instead."""
    ts, pos = decode_cursor(cursor)
    if pos < 0 or (pos < len(ts_col) and int(ts_col[pos]) == ts):
        return pos + 1
    return int(np.searchsorted(ts_col, ts, side="right"))


@dataclass
class CursorPage:
    rows: list[int]
    last_pos: int  # log position the next page starts after
    end_of_stream: bool


def cursor_page(
    n: int,
    start: int,
    per_page: int,
    valid: Callable[[np.ndarray], np.ndarray] | None = None,
) -> CursorPage:
    """Up to ``per_page`` log rows from position ``start`` on, skipping rows ``valid`` rejects."""
    rows: list[int] = []
    pos = start
    chunk = max(per_page * 2, 1024)
    while pos < n and len(rows) < per_page:
        idx = np.arange(pos, min(pos + chunk, n), dtype=np.int64)
        hits = idx if valid is None else idx[valid(idx)]
        need = per_page - len(rows)
        if len(hits) >= need:
            rows.extend(int(i) for i in hits[:need])
            pos = rows[-1] + 1
            break
        rows.extend(int(i) for i in hits)
        pos = int(idx[-1]) + 1
    last = pos - 1
    # end_of_stream only when nothing valid is left after the page
    if last >= n - 1:
        return CursorPage(rows, last, True)
    probe = last + 1
    while valid is not None and probe < n:
        idx = np.arange(probe, min(probe + chunk, n), dtype=np.int64)
        if valid(idx).any():
            return CursorPage(rows, last, False)
        probe = int(idx[-1]) + 1
    return CursorPage(rows, last, valid is not None)


def time_page(updated: np.ndarray, start_time: int, per_page: int) -> tuple[int, int, int]:
    """Rows ``[a, b)`` updated at or after ``start_time`` (inclusive) and the page's end_time.

    Like Zendesk, records sharing the last timestamp are never split across pages.
    """
    n = len(updated)
    a = int(np.searchsorted(updated, start_time, side="left"))
    b = min(a + per_page, n)
    if b <= a:
        return a, a, start_time
    b = int(np.searchsorted(updated, updated[b - 1], side="right"))
    return a, b, int(updated[b - 1])


def encode_after(value: int) -> str:
    return base64.b64encode(f'{{"v":{value}}}'.encode()).decode()


def decode_after(token: str) -> int:
    try:
        text = base64.b64decode(token.encode(), validate=True).decode()
        return int(text.split(":")[1].rstrip("}"))
    except (ValueError, IndexError, UnicodeDecodeError) as exc:
        raise BadCursor(token) from exc
