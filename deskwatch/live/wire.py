"""What a collector publishes for its viewers, as bytes: the dashboard data and the poll status.

The one place that turns a :class:`~deskwatch.live.dashboard.DashboardData` and a
:class:`~deskwatch.live.pollstate.PollStatus` into JSON and back. The KPI snapshot travels as
the plain values of :mod:`deskwatch.kpis.plain` (the KPIS.md contract ``deskwatch export``
writes, plus the operations figures), read back key by key into the typed snapshot, so a change
of the snapshot type needs no change here. No credential is ever in here: the status carries the
client's counters and state by name, never the client or the config.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from deskwatch.config import Config
from deskwatch.kpis import KpiSnapshot
from deskwatch.kpis.plain import from_plain, to_plain
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.pollstate import PollStatus, StreamState
from deskwatch.zendesk.model import ClientStatus

FORMAT = 1

#: the client status fields a viewer's status bar shows (``warnings`` stays with the collector)
CLIENT_FIELDS = (
    "state",
    "retry_at",
    "requests_last_minute",
    "allowed_per_minute",
    "plan_limit",
    "errors",
    "last_error",
    "skipped",
    "requests",
)


class WireError(ValueError):
    """A published payload this version cannot read (another version, or damaged)."""


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _load(payload: bytes) -> dict[str, Any]:
    try:
        body = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"not JSON ({exc})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise WireError("unknown format (a collector of another deskwatch version?)")
    return body


# -- the dashboard data ------------------------------------------------------------------------
def encode_data(data: DashboardData, published_at: datetime) -> bytes:
    body = {
        "format": FORMAT,
        "published_at": published_at.isoformat(),
        "now": data.now.isoformat(),
        "snapshot": None if data.snapshot is None else to_plain(data.snapshot),
        "stale": sorted(data.stale),
        "partial": data.partial,
        "unavailable": sorted(data.unavailable),
    }
    return json.dumps(body, separators=(",", ":"), allow_nan=False).encode()


def decode_data(payload: bytes, cfg: Config) -> tuple[DashboardData, datetime]:
    """The published data (with the viewer's own ``cfg``) and when it was published."""
    body = _load(payload)
    try:
        snap = body["snapshot"]
        data = DashboardData(
            cfg,
            datetime.fromisoformat(body["now"]),
            None if snap is None else from_plain(KpiSnapshot, snap, "snapshot"),
            frozenset(body["stale"]),
            bool(body["partial"]),
            frozenset(body["unavailable"]),
        )
        return data, datetime.fromisoformat(body["published_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"damaged dashboard data ({type(exc).__name__}: {exc})") from None


# -- the poll status ---------------------------------------------------------------------------
def encode_status(status: PollStatus, collector: str, published_at: datetime) -> bytes:
    client = status.client
    body = {
        "format": FORMAT,
        "published_at": published_at.isoformat(),
        "collector": collector,
        "paused": status.paused,
        "interval": status.interval,
        "streams": [_stream(s) for s in status.streams],
        "last_sync": _time(status.last_sync),
        "errors": status.errors,
        "last_error": status.last_error,
        "retry_at": _time(status.retry_at),
        "computed_at": _time(status.computed_at),
        "client": None if client is None else _client(client),
    }
    return json.dumps(body, separators=(",", ":"), allow_nan=False).encode()


def _stream(s: StreamState) -> dict[str, Any]:
    out = dataclasses.asdict(s)
    out["last_ok"] = _time(s.last_ok)
    return out


def _client(client: Any) -> dict[str, Any]:
    out = {name: getattr(client, name, None) for name in CLIENT_FIELDS}
    out["retry_at"] = _time(out["retry_at"])
    return out


def decode_status(payload: bytes) -> tuple[PollStatus, str, datetime]:
    """The collector's status, who the collector is, and when the status was published."""
    body = _load(payload)
    try:
        streams = tuple(
            StreamState(**{**s, "last_ok": _parse_time(s["last_ok"])}) for s in body["streams"]
        )
        client = body["client"]
        status = PollStatus(
            paused=bool(body["paused"]),
            interval=float(body["interval"]),
            streams=streams,
            last_sync=_parse_time(body["last_sync"]),
            errors=int(body["errors"]),
            last_error=body["last_error"],
            client=None
            if client is None
            else ClientStatus(**{**client, "retry_at": _parse_time(client["retry_at"])}),
            retry_at=_parse_time(body["retry_at"]),
            computed_at=_parse_time(body["computed_at"]),
        )
        return status, str(body["collector"]), datetime.fromisoformat(body["published_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"damaged status ({type(exc).__name__}: {exc})") from None
