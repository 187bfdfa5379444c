"""Record validation: unknown fields pass through, absent optional fields are fine, wrong types
reject the record (the caller skips and counts it). Nothing is ever coerced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeGuard

Check = Callable[[Any], bool]


def is_int(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def is_timestamp(v: Any) -> bool:
    if not isinstance(v, str) or len(v) < 10:
        return False
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


def parse_timestamp(v: str) -> float:
    """ISO-8601 (``2023-09-18T15:57:42Z``) to epoch seconds; naive times are UTC."""
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _opt(check: Check) -> Check:
    return lambda v: v is None or check(v)


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _list(v: Any) -> bool:
    return isinstance(v, list)


def _dict(v: Any) -> bool:
    return isinstance(v, dict)


def _duration(v: Any) -> bool:
    return v is None or (
        isinstance(v, dict)
        and all(v.get(k) is None or is_number(v.get(k)) for k in ("calendar", "business"))
    )


# field -> (check, required). A present field must pass its check; null passes only _opt checks.
Spec = dict[str, tuple[Check, bool]]

_ID = (is_int, True)
_TS = (is_timestamp, True)
_OPT_ID = (_opt(is_int), False)
_OPT_NUM = (_opt(is_number), False)
_OPT_STR = (_opt(_str), False)
_OPT_TS = (_opt(is_timestamp), False)

METRIC_SET: Spec = {
    "reopens": _OPT_NUM,
    "replies": _OPT_NUM,
    **{
        k: _OPT_TS
        for k in (
            "created_at",
            "updated_at",
            "assigned_at",
            "solved_at",
            "initially_assigned_at",
            "latest_comment_added_at",
            "status_updated_at",
        )
    },
    **{
        k: (_duration, False)
        for k in (
            "reply_time_in_minutes",
            "first_resolution_time_in_minutes",
            "full_resolution_time_in_minutes",
            "agent_wait_time_in_minutes",
            "requester_wait_time_in_minutes",
            "on_hold_time_in_minutes",
        )
    },
}


def _metric_set(v: Any) -> bool:
    return v is None or (isinstance(v, dict) and conforms(v, METRIC_SET))


TICKET: Spec = {
    "id": _ID,
    "created_at": _TS,
    "updated_at": _TS,
    "generated_timestamp": (is_int, False),
    "status": (_str, False),
    "type": _OPT_STR,
    "priority": _OPT_STR,
    "subject": _OPT_STR,
    "via": (_opt(_dict), False),
    "tags": (_opt(_list), False),
    "satisfaction_rating": (_opt(_dict), False),
    "metric_set": (_metric_set, False),
    **{
        k: _OPT_ID
        for k in ("assignee_id", "group_id", "brand_id", "organization_id", "requester_id")
    },
}
USER: Spec = {
    "id": _ID,
    "name": _OPT_STR,
    "role": _OPT_STR,
    "active": (_opt(_bool), False),
    "suspended": (_opt(_bool), False),
    "default_group_id": _OPT_ID,
    "created_at": _OPT_TS,
    "updated_at": _OPT_TS,
}
GROUP: Spec = {"id": _ID, "name": _OPT_STR, "deleted": (_opt(_bool), False)}
RATING: Spec = {
    "id": _ID,
    "score": (_str, True),
    "created_at": _TS,
    "updated_at": _TS,
    "reason": (_opt(lambda v: isinstance(v, str | dict)), False),
    **{k: _OPT_ID for k in ("ticket_id", "assignee_id", "group_id", "requester_id")},
}
_TALK_TIMES = (
    "duration",
    "wait_time",
    "time_to_answer",
    "talk_time",
    "hold_time",
    "wrap_up_time",
    "consultation_time",
    "minutes_billed",
)
CALL: Spec = {
    "id": _ID,
    "created_at": _TS,
    "updated_at": _TS,
    "direction": _OPT_STR,
    "completion_status": _OPT_STR,
    "exceeded_queue_wait_time": (_opt(_bool), False),
    "quality_issues": (_opt(_list), False),
    "call_charge": (_opt(lambda v: isinstance(v, str) or is_number(v)), False),
    **{k: _OPT_ID for k in ("agent_id", "ticket_id", "phone_number_id")},
    **{k: _OPT_NUM for k in _TALK_TIMES},
}
LEG: Spec = {
    "id": _ID,
    "call_id": _ID,
    "created_at": _TS,
    "updated_at": _TS,
    "type": _OPT_STR,
    "completion_status": _OPT_STR,
    "quality_issues": (_opt(_list), False),
    **{k: _OPT_ID for k in ("agent_id", "user_id")},
    **{k: _OPT_NUM for k in _TALK_TIMES},
}
AGENT_ACTIVITY: Spec = {
    "agent_id": _ID,
    "name": _OPT_STR,
    "agent_state": _OPT_STR,
    "call_status": _OPT_STR,
    **{
        k: _OPT_NUM
        for k in (
            "calls_accepted",
            "calls_denied",
            "calls_missed",
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
    k: _OPT_NUM
    for k in (
        "agents_online",
        "calls_waiting",
        "callbacks_waiting",
        "embeddable_callbacks_waiting",
        "average_wait_time",
        "longest_wait_time",
    )
}

SPECS: dict[str, Spec] = {
    "tickets": TICKET,
    "users": USER,
    "groups": GROUP,
    "ratings": RATING,
    "calls": CALL,
    "legs": LEG,
    "agents_activity": AGENT_ACTIVITY,
    "queue": QUEUE,
}


def conforms(record: dict[str, Any], spec: Spec) -> bool:
    for name, (check, required) in spec.items():
        if name not in record:
            if required:
                return False
            continue
        if not check(record[name]):
            return False
    return True


def valid_record(stream: str, record: Any) -> bool:
    return isinstance(record, dict) and conforms(record, SPECS[stream])


def split_valid(stream: str, records: list[Any]) -> tuple[list[dict[str, Any]], int]:
    """The records that pass ``stream``'s checks, and how many were skipped."""
    good = [r for r in records if valid_record(stream, r)]
    return good, len(records) - len(good)
