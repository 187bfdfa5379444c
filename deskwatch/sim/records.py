"""Rows of the columnar account → Zendesk JSON objects (materialised per page only)."""

from __future__ import annotations

import time
from typing import Any

from deskwatch.sim.account import Account
from deskwatch.sim.gen_calls import PHONE_NUMBER_IDS
from deskwatch.sim.people import END_USER_ID_BASE, ORG_ID_BASE
from deskwatch.sim.table import NULL
from deskwatch.sim.vocab import (
    BAD,
    BAD_REASONS,
    CALL_STATUSES,
    CHANNELS,
    DELETED,
    DIRECTIONS,
    GOOD,
    LEG_AGENT,
    LEG_TYPES,
    PRIORITIES,
    QUALITY,
    RATING_COMMENTS,
    ROLES,
    SCORES,
    STATUSES,
    SUBJECTS,
    TAGS,
    TYPES,
)

CUSTOM_STATUS_ID = 6_130_830_355_738
TICKET_FORM_ID = 6_130_830_344_474
METRIC_ID_BASE = 9_000_000_000_000


def ts(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _opt(value: int) -> int | None:
    return None if value == NULL else value


def _dur(cal: int, bus: int) -> dict[str, int | None]:
    return {"calendar": _opt(cal), "business": _opt(bus)}


def user_id(account: Account, requester: int) -> int:
    return END_USER_ID_BASE + requester


def satisfaction(account: Account, r: dict[str, int]) -> dict[str, Any] | None:
    code = r["sat"]
    if code == NULL:
        return None
    if code in (GOOD, BAD) and r["rating"] != NULL:
        i = r["rating"]
        comment = RATING_COMMENTS[int(account.ratings["comment"][i])]
        return {
            "id": int(account.ratings["rating_id"][i]),
            "score": SCORES[code],
            "comment": comment,
        }
    return {"score": SCORES[code]}


def metric_set(base: str, r: dict[str, int]) -> dict[str, Any]:
    tid = r["ticket_id"]
    m: dict[str, Any] = {
        "url": f"{base}/api/v2/ticket_metrics/{METRIC_ID_BASE + tid}.json",
        "id": METRIC_ID_BASE + tid,
        "ticket_id": tid,
        "created_at": ts(r["created"]),
        "updated_at": ts(r["updated"]),
        "group_stations": 1 if r["group"] != NULL else 0,
        "assignee_stations": 1 if r["assigned_at"] != NULL else 0,
        "reopens": r["reopens"],
        "replies": r["replies"],
        "requester_updated_at": ts(r["created"]),
        "status_updated_at": ts(r["status_updated"]),
        "latest_comment_added_at": ts(r["latest_comment"]),
    }
    if r["assigned_at"] != NULL:
        m["assignee_updated_at"] = ts(r["latest_comment"])
        m["initially_assigned_at"] = ts(r["initially_assigned_at"])
        m["assigned_at"] = ts(r["assigned_at"])
    if r["solved_at"] != NULL:
        m["solved_at"] = ts(r["solved_at"])
    m["reply_time_in_minutes"] = _dur(r["reply_cal"], r["reply_bus"])
    m["first_resolution_time_in_minutes"] = _dur(r["first_cal"], r["first_bus"])
    m["full_resolution_time_in_minutes"] = _dur(r["full_cal"], r["full_bus"])
    m["agent_wait_time_in_minutes"] = _dur(r["agent_wait_cal"], r["agent_wait_bus"])
    m["requester_wait_time_in_minutes"] = _dur(r["req_wait_cal"], r["req_wait_bus"])
    m["on_hold_time_in_minutes"] = _dur(r["hold_cal"], r["hold_bus"])
    m["custom_status_updated_at"] = ts(r["status_updated"])
    return m


def tickets(account: Account, base: str, rows: list[int], *, metrics: bool) -> list[dict[str, Any]]:
    return [ticket(account, base, r, metrics=metrics) for r in account.tickets.rows(rows)]


def ticket(account: Account, base: str, r: dict[str, int], *, metrics: bool) -> dict[str, Any]:
    tid = r["ticket_id"]
    deleted = r["status"] == DELETED
    people = account.people
    subject = "SCRUBBED" if deleted else SUBJECTS[r["subject"]]
    requester = user_id(account, r["requester"])
    tags = [] if deleted else [t for bit, t in enumerate(TAGS) if r["tags"] >> bit & 1]
    d: dict[str, Any] = {
        "url": f"{base}/api/v2/tickets/{tid}.json",
        "id": tid,
        "external_id": None,
        "via": {"channel": CHANNELS[r["channel"]], "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": ts(r["created"]),
        "updated_at": ts(r["updated"]),
        "type": TYPES[r["type"]],
        "subject": subject,
        "raw_subject": subject,
        "description": "X" if deleted else f"{subject}. Please help.",
        "priority": PRIORITIES[r["priority"]],
        "status": STATUSES[r["status"]],
        "recipient": None,
        "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": None if r["assignee"] == NULL else people.agent_id(r["assignee"]),
        "organization_id": None if r["org"] == NULL else ORG_ID_BASE + r["org"],
        "group_id": None if r["group"] == NULL or deleted else people.group_ids[r["group"]],
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": True,
        "due_at": None,
        "tags": tags,
        "custom_fields": [],
        "satisfaction_rating": None if deleted else satisfaction(account, r),
        "sharing_agreement_ids": [],
        "custom_status_id": CUSTOM_STATUS_ID,
        "fields": [],
        "followup_ids": [],
        "ticket_form_id": TICKET_FORM_ID,
        "brand_id": people.brand_ids[r["brand"] % len(people.brand_ids)],
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": CHANNELS[r["channel"]] == "native_messaging",
        "generated_timestamp": r["gen_ts"],
    }
    if metrics:
        d["metric_set"] = metric_set(base, r)
    return d


def user(account: Account, base: str, row: int) -> dict[str, Any]:
    u = account.people.users.row(row)
    uid = u["user_id"]
    role = ROLES[u["role"]]
    agent = u["role"] > 0
    idx = uid - (account.people.agent_id(0) if agent else END_USER_ID_BASE)
    name = account.people.agent_name(idx) if agent else f"Customer {idx + 1}"
    email = f"{name.lower().replace(' ', '.')}@example.com"
    return {
        "id": uid,
        "url": f"{base}/api/v2/users/{uid}.json",
        "name": name,
        "email": email,
        "created_at": ts(u["created"]),
        "updated_at": ts(u["updated"]),
        "time_zone": account.tz,
        "iana_time_zone": account.tz,
        "phone": None,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": None if agent else ORG_ID_BASE + idx % 20,
        "role": role,
        "verified": True,
        "external_id": None,
        "tags": [],
        "alias": None,
        "active": bool(u["active"]),
        "shared": False,
        "shared_agent": False,
        "last_login_at": ts(u["updated"]) if agent else None,
        "two_factor_auth_enabled": None,
        "signature": None,
        "details": None,
        "notes": None,
        "role_type": None,
        "custom_role_id": None,
        "moderator": agent,
        "ticket_restriction": None if agent else "requested",
        "only_private_comments": False,
        "restricted_agent": not agent,
        "suspended": False,
        "default_group_id": (account.people.group_ids[u["group"]] if agent else None),
        "report_csv": agent,
        "user_fields": {},
    }


def group(account: Account, base: str, i: int) -> dict[str, Any]:
    gid = account.people.group_ids[i]
    name = account.people.group_names[i]
    created = ts(account.people.group_created[i])
    return {
        "url": f"{base}/api/v2/groups/{gid}.json",
        "id": gid,
        "is_public": True,
        "name": name,
        "description": "",
        "default": i == 0,
        "deleted": False,
        "created_at": created,
        "updated_at": created,
    }


def brand(account: Account, base: str, i: int) -> dict[str, Any]:
    bid = account.people.brand_ids[i]
    created = ts(account.people.group_created[0])
    sub = account.people.brand_names[i].lower().replace(" ", "")
    return {
        "url": f"{base}/api/v2/brands/{bid}.json",
        "id": bid,
        "name": account.people.brand_names[i],
        "brand_url": f"https://{sub}.zendesk.com",
        "subdomain": sub,
        "host_mapping": None,
        "has_help_center": False,
        "help_center_state": "disabled",
        "active": True,
        "default": i == 0,
        "is_deleted": False,
        "logo": None,
        "ticket_form_ids": [],
        "signature_template": "{{agent.signature}}",
        "created_at": created,
        "updated_at": created,
    }


def rating(account: Account, base: str, row: int) -> dict[str, Any]:
    r = account.ratings.row(row)
    score = r["score"]
    d: dict[str, Any] = {
        "url": f"{base}/api/v2/satisfaction_ratings/{r['rating_id']}.json",
        "id": r["rating_id"],
        "assignee_id": None if r["assignee"] == NULL else account.people.agent_id(r["assignee"]),
        "group_id": None if r["group"] == NULL else account.people.group_ids[r["group"]],
        "requester_id": user_id(account, r["requester"]),
        "ticket_id": r["ticket_id"],
        "score": SCORES[score],
        "created_at": ts(r["created"]),
        "updated_at": ts(r["updated"]),
        "comment": RATING_COMMENTS[r["comment"]],
    }
    if score == BAD:
        d["reason"] = BAD_REASONS[r["rating_id"] % len(BAD_REASONS)]
    return d


def call(account: Account, row: int) -> dict[str, Any]:
    c = account.calls.row(row)
    answered = c["agent"] != NULL
    return {
        "id": c["call_id"],
        "created_at": ts(c["created"]),
        "updated_at": ts(c["updated"]),
        "agent_id": account.people.agent_id(c["agent"]) if answered else None,
        "call_charge": f"{0.003 * c['billed']:.3f}",
        "consultation_time": c["consult"],
        "completion_status": CALL_STATUSES[c["status"]],
        "customer_id": None,
        "customer_requested_voicemail": bool(c["voicemail"]) and not answered,
        "direction": DIRECTIONS[c["direction"]],
        "duration": c["duration"],
        "exceeded_queue_wait_time": None if c["exceeded"] == NULL else bool(c["exceeded"]),
        "hold_time": c["hold"],
        "minutes_billed": c["billed"],
        "outside_business_hours": bool(c["outside"]),
        "phone_number_id": PHONE_NUMBER_IDS[c["phone"]],
        "phone_number": "+12059531462" if c["phone"] == 0 else "+12059531463",
        "ticket_id": _opt(c["ticket_id"]),
        "time_to_answer": _opt(c["tta"]),
        "voicemail": bool(c["voicemail"]),
        "wait_time": c["wait"],
        "wrap_up_time": c["wrap"],
        "ivr_time_spent": _opt(c["ivr"]),
        "ivr_hops": None if c["ivr"] == NULL else 1,
        "ivr_destination_group_name": None,
        "talk_time": _opt(c["talk"]),
        "ivr_routed_to": None,
        "callback": None if c["callback"] == NULL else bool(c["callback"]),
        "callback_source": "queue" if c["callback"] == 1 else None,
        "default_group": False,
        "ivr_action": None,
        "line": None,
        "line_id": None,
        "line_type": None,
        "overflowed": False,
        "overflowed_to": None,
        "recording_control_interactions": 0,
        "recording_time": 0,
        "not_recording_time": 0,
        "call_recording_consent": "always",
        "call_recording_consent_action": None,
        "call_recording_consent_keypress": None,
        "call_group_id": None,
        "call_channel": None,
        "quality_issues": [QUALITY[c["quality"]]],
    }


def leg(account: Account, row: int) -> dict[str, Any]:
    lg = account.legs.row(row)
    c = account.calls.row(lg["call"])
    agent = lg["kind"] == LEG_AGENT
    talk = max(c["talk"], 0)
    return {
        "id": lg["leg_id"],
        "created_at": ts(c["created"] + (max(c["tta"], 0) if agent else 0)),
        "updated_at": ts(lg["updated"]),
        "agent_id": account.people.agent_id(c["agent"]) if agent else 0,
        "user_id": 0 if agent else None,
        "duration": talk + c["hold"] + c["wrap"] if agent else c["duration"],
        "hold_time": c["hold"] if agent else 0,
        "wrap_up_time": c["wrap"] if agent else None,
        "available_via": "browser" if agent else None,
        "forwarded_to": None,
        "consultation_from": None,
        "transferred_from": None,
        "transferred_to": None,
        "minutes_billed": c["billed"] if agent else None,
        "call_charge": f"{0.003 * c['billed']:.3f}" if agent else "0.0",
        "completion_status": "completed" if agent else CALL_STATUSES[c["status"]],
        "consultation_time": c["consult"] if agent else None,
        "talk_time": talk,
        "consultation_to": None,
        "conference_time": None,
        "conference_from": None,
        "conference_to": None,
        "quality_issues": [QUALITY[c["quality"]]],
        "call_id": c["call_id"],
        "type": LEG_TYPES[lg["kind"]],
    }
