"""What a collector publishes for its viewers, as bytes: the dashboard data and the poll status.

The one place that turns a :class:`~deskwatch.live.dashboard.DashboardData` and a
:class:`~deskwatch.live.pollstate.PollStatus` into JSON and back. The KPI snapshot travels as
the plain values of :mod:`deskwatch.kpis.plain` (the KPIS.md contract ``deskwatch export``
writes, plus the operations figures), read back key by key into the typed snapshot, so a change
of the snapshot type needs no change here. No credential is ever in here: the status carries the
client's counters and state by name, never the client or the config, and an alert rule travels
without its webhook URL (only the collector posts).

Payloads are zlib-compressed JSON: a snapshot of a large account (thousands of agents) is
several MB of JSON, NATS's default max payload is 1 MB; compressed it is a tenth of that.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import zlib
from datetime import datetime
from typing import Any

from deskwatch.config import Config
from deskwatch.config.rules import AlertRule
from deskwatch.kpis import KpiSnapshot
from deskwatch.kpis.alerts import RuleState
from deskwatch.kpis.plain import from_plain, to_plain
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.pollstate import PollStatus, StreamState
from deskwatch.zendesk.model import ClientStatus

FORMAT = 2
LEVEL = 6  # zlib: most of the gain of 9 at a fraction of its time

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


def _dump(body: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(body, separators=(",", ":"), allow_nan=False).encode(), LEVEL)


def _load(payload: bytes) -> dict[str, Any]:
    # not compressed: damage (then it is no JSON either), or JSON of a test
    with contextlib.suppress(zlib.error):
        payload = zlib.decompress(payload)
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
        "alerts": [_alert(a) for a in data.alerts],
    }
    return _dump(body)


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
            tuple(_parse_alert(a) for a in body["alerts"]),
        )
        return data, datetime.fromisoformat(body["published_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"damaged dashboard data ({type(exc).__name__}: {exc})") from None


#: the rule fields viewers see (``webhook_url`` is a secret, and only the collector posts)
RULE_FIELDS = tuple(f.name for f in dataclasses.fields(AlertRule) if f.name != "webhook_url")


def _alert(state: RuleState) -> dict[str, Any]:
    return {
        "rule": {name: getattr(state.rule, name) for name in RULE_FIELDS},
        "firing": state.firing,
        "unknown": state.unknown,
        "value": state.value,
        "since": _time(state.since),
        "notified": _time(state.notified),
        "announced": state.announced,
    }


def _parse_alert(body: dict[str, Any]) -> RuleState:
    rule = AlertRule(**{name: body["rule"][name] for name in RULE_FIELDS})
    return RuleState(
        rule,
        firing=bool(body["firing"]),
        unknown=bool(body["unknown"]),
        value=None if body["value"] is None else float(body["value"]),
        since=_parse_time(body["since"]),
        notified=_parse_time(body["notified"]),
        announced=bool(body["announced"]),
    )


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
    return _dump(body)


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


# -- drill-down across hosts -------------------------------------------------------------------
#: rows of a listing per reply: far below NATS's 1 MB max payload even for wide rows
#: (every page is checked against the connection's limit before it is sent)
PAGE_ROWS = 2000


@dataclasses.dataclass(frozen=True)
class DrillRequest:
    """What a viewer asks the collector: the figure (a catalogue id, or a :class:`Drill`'s
    fields as plain data), its argument, the moment the figure was computed for, and which page
    of the listing (``token``: the same listing for every page of one drill)."""

    target: str | dict[str, Any]
    arg: int | str | None
    now: datetime
    page: int = 0
    token: str = ""


def encode_drill_request(req: DrillRequest) -> bytes:
    body = {
        "format": FORMAT,
        "target": req.target,
        "arg": req.arg,
        "now": req.now.isoformat(),
        "page": req.page,
        "token": req.token,
    }
    return _dump(body)


def decode_drill_request(payload: bytes) -> DrillRequest:
    body = _load(payload)
    try:
        target = body["target"]
        if not isinstance(target, str | dict):
            raise TypeError("target is neither a figure id nor a drill")
        arg = body["arg"]
        if arg is not None and not isinstance(arg, int | str):
            raise TypeError("arg is neither a number nor text")
        return DrillRequest(
            target, arg, datetime.fromisoformat(body["now"]), int(body["page"]), str(body["token"])
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"damaged drill request ({type(exc).__name__}: {exc})") from None


def drill_fields(drill: Any) -> dict[str, Any]:
    """A drill's fields as plain data (it is a flat dataclass of strings, ints, tuples)."""
    return dataclasses.asdict(drill)


def drill_from(cls: type[Any], fields: dict[str, Any]) -> Any:
    """The drill back from :func:`drill_fields` (JSON lists were tuples)."""
    try:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})
    except TypeError as exc:
        raise WireError(f"a drill this version does not know ({exc})") from None


@dataclasses.dataclass(frozen=True)
class DrillPage:
    """One reply: ``rows`` of the listing (Arrow IPC), which page of how many, the total row
    count; ``error``: the collector could not list them (said in one line)."""

    page: int
    pages: int
    total: int
    rows: bytes = b""
    error: str = ""


def encode_drill_page(page: DrillPage) -> bytes:
    head = json.dumps(
        {
            "format": FORMAT,
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
            "error": page.error,
        }
    ).encode()
    return len(head).to_bytes(4, "big") + head + page.rows


def decode_drill_page(payload: bytes) -> DrillPage:
    try:
        size = int.from_bytes(payload[:4], "big")
        head = json.loads(payload[4 : 4 + size])
        if head.get("format") != FORMAT:
            raise ValueError("unknown format (a collector of another deskwatch version?)")
        return DrillPage(
            int(head["page"]),
            int(head["pages"]),
            int(head["total"]),
            payload[4 + size :],
            str(head["error"]),
        )
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"damaged drill reply ({type(exc).__name__}: {exc})") from None


def rows_to_bytes(frame: Any) -> bytes:
    """A listing (a Polars frame of any columns) as compressed Arrow IPC."""
    import io

    out = io.BytesIO()
    frame.write_ipc(out, compression="zstd")
    return out.getvalue()


def rows_from_bytes(payload: bytes) -> Any:
    import io

    import polars as pl

    try:
        return pl.read_ipc(io.BytesIO(payload))
    except Exception as exc:  # polars raises its own errors for damaged IPC
        raise WireError(f"damaged drill rows ({type(exc).__name__})") from None
