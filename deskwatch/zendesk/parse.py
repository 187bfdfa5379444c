"""Record screening at the edge: every field deskwatch reads is checked for type and range
before anything is built from it. Nothing is ever coerced; unknown fields pass through.

What a bad value does, per field (documented in the README's Reliability section):

- **skip the record**: a record that is not an object, or whose required field (``id``,
  ``created_at``, ``updated_at``, a rating's ``score``, a leg's ``call_id``, an activity's
  ``agent_id``) is missing or bad, or whose present id, timestamp, text or list field is bad.
  Nulling those would change what the record means (an ``assignee_id`` nulled counts the
  ticket as unassigned; a ``solved_at`` nulled keeps a solved ticket in the backlog).
- **null the field, keep the record**: durations and counts (``metric_set`` minutes,
  ``reopens``/``replies``, Talk seconds and counters). KPIS.md leaves a null value out of the
  figure it feeds (a ticket whose reply time is null is left out of first reply), so the rest
  of the record still counts correctly.

Ranges: ids are integers in 1 .. 2⁶³−1 (Talk's ``agent_id``/``user_id``/``ticket_id`` may
be 0: "no agent"); timestamps are ISO-8601 date-times (a time of day is required; no offset
means UTC) between :data:`EARLIEST` (2007-01-01, before any Zendesk account) and one day after
the local clock (:data:`FUTURE_SLACK`, for clock skew); durations and counts are finite,
>= 0 and at most the span of that window (minutes or seconds), Talk seconds at most a week;
text is valid Unicode (no lone surrogates: what UTF-8 cannot encode).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeGuard

from deskwatch.stamps import to_datetime

MAX_ID = 2**63 - 1
EARLIEST = datetime(2007, 1, 1, tzinfo=UTC)
FUTURE_SLACK = 86400.0
MAX_TALK_SECONDS = 7 * 86400.0
MAX_COUNT = 1e9

Problem = str | None
Check = Callable[[Any, float], Problem]  # (value, now as epoch seconds) -> what is wrong


def is_int(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def parse_timestamp(v: str) -> float:
    """Epoch seconds of a timestamp that passed the checks."""
    dt = to_datetime(v)
    if dt is None:
        raise ValueError(f"not a timestamp: {v!r}")
    return dt.timestamp()


def valid_text(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    if v.isascii():
        return True
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- value checks: None when fine, else a short reason ------------------------------------------


def _id(v: Any, now: float) -> Problem:
    if not is_int(v):
        return "not an integer id"
    return None if 1 <= v <= MAX_ID else "id out of range"


def _ref(v: Any, now: float) -> Problem:  # Talk's references: 0 means none
    if not is_int(v):
        return "not an integer id"
    return None if 0 <= v <= MAX_ID else "id out of range"


def _ts(v: Any, now: float) -> Problem:
    dt = to_datetime(v)
    if dt is None:
        return "not an ISO date-time"
    if not EARLIEST <= dt <= _latest(now):
        return "time out of range"
    return None


@functools.lru_cache(maxsize=4)  # one ``now`` per page: not a datetime per timestamp
def _latest(now: float) -> datetime:
    return datetime.fromtimestamp(now + FUTURE_SLACK, UTC)


def _epoch(v: Any, now: float) -> Problem:
    if not is_int(v):
        return "not an integer"
    return None if EARLIEST.timestamp() <= v <= now + FUTURE_SLACK else "time out of range"


def _text(v: Any, now: float) -> Problem:
    return None if valid_text(v) else ("invalid text" if isinstance(v, str) else "not text")


def _texts(v: Any, now: float) -> Problem:
    if not isinstance(v, list):
        return "not a list"
    return None if all(valid_text(t) for t in v) else "invalid text in list"


def _bool(v: Any, now: float) -> Problem:
    return None if isinstance(v, bool) else "not a boolean"


def _obj(v: Any, now: float) -> Problem:
    return None if isinstance(v, dict) else "not an object"


def _bounded(limit: Callable[[float], float], unit: str) -> Check:
    def check(v: Any, now: float) -> Problem:
        if not is_number(v):
            return "not a number"
        if not math.isfinite(v) or v < 0 or v > limit(now):
            return f"{unit} out of range"
        return None

    return check


def _window(now: float) -> float:
    return now + FUTURE_SLACK - EARLIEST.timestamp()


_MINUTES = _bounded(lambda now: _window(now) / 60, "duration")
_SECONDS = _bounded(lambda now: MAX_TALK_SECONDS, "duration")
_COUNT = _bounded(lambda now: MAX_COUNT, "count")


# -- specs: field -> (check, required, nulled when bad) -----------------------------------------


@dataclass(frozen=True)
class F:
    check: Check
    required: bool = False
    null_bad: bool = False  # a bad value is nulled (the record kept) instead of skipping


Spec = dict[str, F]

_REQ_ID, _REQ_TS = F(_id, True), F(_ts, True)
_OPT_ID, _OPT_TS, _TXT = F(_id), F(_ts), F(_text)
_NUM_NULL = F(_COUNT, null_bad=True)
_DURATIONS = (
    "reply_time_in_minutes",
    "first_resolution_time_in_minutes",
    "full_resolution_time_in_minutes",
    "agent_wait_time_in_minutes",
    "requester_wait_time_in_minutes",
    "on_hold_time_in_minutes",
)
METRIC_SET: Spec = {
    "reopens": _NUM_NULL,
    "replies": _NUM_NULL,
    "solved_at": _OPT_TS,
    # durations: objects {calendar, business}; checked by _check_metric_set
}
TICKET: Spec = {
    "id": _REQ_ID,
    "created_at": _REQ_TS,
    "updated_at": _REQ_TS,
    "generated_timestamp": F(_epoch),
    "status": _TXT,
    "type": _TXT,
    "priority": _TXT,
    "subject": _TXT,
    "via": F(_obj),
    "tags": F(_texts),
    **{k: _OPT_ID for k in ("assignee_id", "group_id", "brand_id", "organization_id")},
    "requester_id": _OPT_ID,
}
USER: Spec = {
    "id": _REQ_ID,
    "name": _TXT,
    "role": _TXT,
    "active": F(_bool),
    "suspended": F(_bool),
    "default_group_id": _OPT_ID,
    "updated_at": _OPT_TS,
}
GROUP: Spec = {"id": _REQ_ID, "name": _TXT, "deleted": F(_bool), "updated_at": _OPT_TS}
BRAND: Spec = {"id": _REQ_ID, "name": _TXT, "is_deleted": F(_bool), "updated_at": _OPT_TS}
RATING: Spec = {
    "id": _REQ_ID,
    "score": F(_text, True),
    "created_at": _REQ_TS,
    "updated_at": _REQ_TS,
    **{k: _OPT_ID for k in ("ticket_id", "assignee_id", "group_id")},
    "comment": F(_text, null_bad=True),  # only whether there is one is kept
}
_TALK_SECONDS = (
    "duration",
    "wait_time",
    "time_to_answer",
    "talk_time",
    "hold_time",
    "wrap_up_time",
)
_TALK_TIMES: Spec = {k: F(_SECONDS, null_bad=True) for k in _TALK_SECONDS}
CALL: Spec = {
    "id": _REQ_ID,
    "created_at": _REQ_TS,
    "updated_at": _REQ_TS,
    "direction": _TXT,
    "completion_status": _TXT,
    "exceeded_queue_wait_time": F(_bool),
    "voicemail": F(_bool),
    "quality_issues": F(_texts),
    **{k: F(_ref) for k in ("agent_id", "ticket_id")},
    **_TALK_TIMES,
}
LEG: Spec = {
    "id": _REQ_ID,
    "call_id": _REQ_ID,
    "created_at": _REQ_TS,
    "updated_at": _REQ_TS,
    "type": _TXT,
    "completion_status": _TXT,
    "quality_issues": F(_texts),
    **{k: F(_ref) for k in ("agent_id", "user_id")},
    **_TALK_TIMES,
}
AGENT_ACTIVITY: Spec = {
    "agent_id": _REQ_ID,
    "name": _TXT,
    "agent_state": _TXT,
    "call_status": _TXT,
    **{k: _NUM_NULL for k in ("calls_accepted", "calls_denied", "calls_missed")},
    **{
        k: F(_SECONDS, null_bad=True)
        for k in (
            "online_time",
            "available_time",
            "away_time",
            "total_call_duration",
            "total_talk_time",
            "average_talk_time",
            "total_wrap_up_time",
            "average_wrap_up_time",
            "total_hold_time",
            "average_hold_time",
        )
    },
}
QUEUE: Spec = {
    **{
        k: _NUM_NULL
        for k in (
            "agents_online",
            "calls_waiting",
            "callbacks_waiting",
            "embeddable_callbacks_waiting",
        )
    },
    **{k: F(_SECONDS, null_bad=True) for k in ("average_wait_time", "longest_wait_time")},
}

SPECS: dict[str, Spec] = {
    "tickets": TICKET,
    "users": USER,
    "groups": GROUP,
    "brands": BRAND,
    "ratings": RATING,
    "calls": CALL,
    "legs": LEG,
    "agents_activity": AGENT_ACTIVITY,
    "queue": QUEUE,
}


def _check(
    record: dict[str, Any], spec: Spec, now: float, nulled: list[str], prefix: str
) -> Problem:
    """Check ``record`` in place against ``spec``: the reason to skip it, or None (nulling the
    bad nullable fields and noting them in ``nulled``)."""
    for name, f in spec.items():
        value = record.get(name)
        if value is None:
            if f.required:
                return f"{prefix}{name}: missing"
            continue
        problem = f.check(value, now)
        if problem is None:
            continue
        if not f.null_bad:
            return f"{prefix}{name}: {problem}"
        record[name] = None
        nulled.append(f"{prefix}{name}: {problem}")
    return None


def _check_metric_set(ticket: dict[str, Any], now: float, nulled: list[str]) -> Problem:
    ms = ticket.get("metric_set")
    if ms is None:
        return None
    if not isinstance(ms, dict):
        return "metric_set: not an object"
    skip = _check(ms, METRIC_SET, now, nulled, "metric_set.")
    if skip is not None:
        return skip
    for name in _DURATIONS:
        pair = ms.get(name)
        if pair is None:
            continue
        if not isinstance(pair, dict):
            ms[name] = None
            nulled.append(f"metric_set.{name}: not an object")
            continue
        for basis in ("calendar", "business"):
            value = pair.get(basis)
            if value is None:
                continue
            problem = _MINUTES(value, now)
            if problem is not None:
                pair[basis] = None
                nulled.append(f"metric_set.{name}: {problem}")
    return None


def _check_via(ticket: dict[str, Any]) -> Problem:
    via = ticket.get("via")
    if isinstance(via, dict) and via.get("channel") is not None and not valid_text(via["channel"]):
        return "via.channel: invalid text"
    return None


def check_record(stream: str, record: Any, now: float) -> tuple[Problem, list[str]]:
    """``(why the record is skipped or None, the fields nulled)``; nulls bad fields in place."""
    if not isinstance(record, dict):
        return "not an object", []
    nulled: list[str] = []
    skip = _check(record, SPECS[stream], now, nulled, "")
    if skip is None and stream == "tickets":
        skip = _check_via(record) or _check_metric_set(record, now, nulled)
    return skip, nulled


@dataclass
class Screened:
    """One page screened: the records kept, and why others were skipped or fields nulled."""

    good: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    nulled: Counter[str] = field(default_factory=Counter)


def screen(stream: str, records: Iterable[Any], now: float) -> Screened:
    out = Screened()
    for record in records:
        skip, nulled = check_record(stream, record, now)
        if skip is not None:
            out.skipped[skip] += 1
            continue
        out.nulled.update(nulled)
        out.good.append(record)
    return out


def valid_record(stream: str, record: Any, now: float | None = None) -> bool:
    """Whether ``record`` is kept (possibly with fields nulled)."""
    return check_record(stream, record, _now(now))[0] is None


def split_valid(
    stream: str, records: list[Any], now: float | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The records kept, and how many were skipped."""
    out = screen(stream, records, _now(now))
    return out.good, out.skipped.total()


def conforms(record: dict[str, Any], spec: Spec, now: float | None = None) -> bool:
    return _check(record, spec, _now(now), [], "") is None


def _now(now: float | None) -> float:
    return datetime.now(UTC).timestamp() if now is None else now
