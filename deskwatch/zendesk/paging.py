"""What every pager shares: the context it runs in, cursor encoding, progress, validation."""

from __future__ import annotations

import json
from typing import Any, Protocol

from deskwatch.zendesk.http import Http
from deskwatch.zendesk.model import SyncProgress
from deskwatch.zendesk.parse import Screened, is_int, parse_timestamp, screen, valid_text


class Context(Protocol):
    http: Http
    history_days: int
    page_size: int

    def wall(self) -> float: ...
    def clock(self) -> float: ...
    def count_skipped(self, stream: str, screened: Screened) -> None: ...


MAX_CURSOR = 4096


def cursor_text(value: Any) -> str | None:
    """``value`` when it can be sent back as a cursor or URL (non-empty printable text that
    UTF-8 can encode, of bounded length); else None, which the caller treats as absent."""
    if isinstance(value, str) and 0 < len(value) <= MAX_CURSOR and value.isprintable():
        return value if valid_text(value) else None
    return None


def int_or(value: Any, default: int) -> int:
    return value if is_int(value) else default


def encode(state: dict[str, Any]) -> str:
    return json.dumps(state, separators=(",", ":"), sort_keys=True)


def decode(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


class Progress:
    """Counts pages/records; estimates the ETA from how far the export's clock has advanced."""

    def __init__(self, ctx: Context, origin: float | None) -> None:
        self.ctx = ctx
        self.origin = origin
        self.started = ctx.clock()
        self.records = self.pages = 0

    def step(self, records: int, position: float | None) -> SyncProgress:
        self.pages += 1
        self.records += records
        fraction = eta = None
        if self.origin is not None and position is not None:
            span = self.ctx.wall() - self.origin
            if span > 0:
                fraction = min(1.0, max(0.0, (position - self.origin) / span))
            if fraction is not None and fraction > 0:
                eta = (self.ctx.clock() - self.started) * (1 - fraction) / fraction
        return SyncProgress(self.records, self.pages, fraction, eta)

    def final(self, records: int) -> SyncProgress:
        """The last page: caught up."""
        self.pages += 1
        self.records += records
        return SyncProgress(self.records, self.pages, 1.0, 0.0)


def record_time(record: dict[str, Any]) -> float | None:
    stamp = record.get("generated_timestamp")
    if is_int(stamp):
        return float(stamp)
    updated = record.get("updated_at")
    return parse_timestamp(updated) if isinstance(updated, str) else None


def newest_time(records: list[dict[str, Any]]) -> float | None:
    times = [t for t in map(record_time, records) if t is not None]
    return max(times) if times else None


def good_records(ctx: Context, stream: str, raw: list[Any]) -> list[dict[str, Any]]:
    """The page's records that pass the edge checks (bad ones skipped and counted by reason;
    the page's cursor still moves past them, so a bad record never blocks its stream)."""
    screened = screen(stream, raw, ctx.wall())
    served = ctx.http.track.served_by_stream
    served[stream] = served.get(stream, 0) + len(raw)
    if screened.skipped or screened.nulled:
        ctx.count_skipped(stream, screened)
    return screened.good


def meta_envelope(body: dict[str, Any]) -> bool:
    meta = body.get("meta")
    if meta is None:
        return True  # no meta: a single page
    if not isinstance(meta, dict):
        return False
    if meta.get("has_more"):
        return cursor_text(meta.get("after_cursor")) is not None
    return True
