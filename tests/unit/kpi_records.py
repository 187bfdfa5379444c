"""Builders of raw Zendesk-shaped records for the store and KPI tests (hand-built data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from deskwatch.config import Config, build_config


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cfg(**sections: Any) -> Config:
    return build_config(sections, env={}, require_account=False)


def ticket(
    tid: int,
    created: datetime,
    *,
    status: str = "open",
    updated: datetime | None = None,
    gen: int = 1,
    solved_at: datetime | None = None,
    reply: float | None = None,
    reply_business: float | None = None,
    full_res: float | None = None,
    full_res_business: float | None = None,
    reopens: int = 0,
    replies: int = 0,
    assignee: int | None = None,
    priority: str | None = None,
    type_: str | None = None,
    channel: str | None = "email",
    tags: list[str] | None = None,
    metric_set: bool = True,
    group: int | None = None,
    brand: int | None = None,
) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": tid,
        "created_at": iso(created),
        "updated_at": iso(updated or created),
        "generated_timestamp": gen,
        "status": status,
        "type": type_,
        "priority": priority,
        "via": {"channel": channel, "source": {}} if channel is not None else {},
        "assignee_id": assignee,
        "group_id": group,
        "brand_id": brand,
        "requester_id": 1,
        "tags": tags or [],
    }
    if metric_set:
        ms: dict[str, Any] = {
            "reopens": reopens,
            "replies": replies,
            "reply_time_in_minutes": {"calendar": reply, "business": reply_business},
            "full_resolution_time_in_minutes": {
                "calendar": full_res,
                "business": full_res_business,
            },
        }
        if solved_at is not None:  # absent, not null, until solved (as Zendesk does)
            ms["solved_at"] = iso(solved_at)
        rec["metric_set"] = ms
    return rec


def rating(rid: int, updated: datetime, score: str, assignee: int | None = None) -> dict[str, Any]:
    return {
        "id": rid,
        "ticket_id": rid,
        "assignee_id": assignee,
        "group_id": None,
        "score": score,
        "created_at": iso(updated - timedelta(hours=1)),
        "updated_at": iso(updated),
    }


def call(
    cid: int,
    created: datetime,
    *,
    direction: str = "inbound",
    status: str | None = "completed",
    exceeded: bool | None = False,
    voicemail: bool = False,
    agent: int | None = None,
    talk: float | None = None,
    wait: float | None = None,
    tta: float | None = None,
    hold: float | None = None,
    wrap: float | None = None,
    quality: list[str] | None = None,
    updated: datetime | None = None,
) -> dict[str, Any]:
    return {
        "id": cid,
        "created_at": iso(created),
        "updated_at": iso(updated or created),
        "direction": direction,
        "completion_status": status,
        "exceeded_queue_wait_time": exceeded,
        "voicemail": voicemail,
        "agent_id": agent,
        "talk_time": talk,
        "wait_time": wait,
        "time_to_answer": tta,
        "hold_time": hold,
        "wrap_up_time": wrap,
        "quality_issues": quality if quality is not None else ["none"],
        "call_charge": "0.003",
    }


def leg(lid: int, created: datetime, *, type_: str = "agent", talk: float | None = 0) -> dict:
    return {
        "id": lid,
        "call_id": lid,
        "type": type_,
        "agent_id": 7 if type_ == "agent" else 0,
        "created_at": iso(created),
        "updated_at": iso(created),
        "talk_time": talk,
    }


def user(uid: int, name: str, role: str = "agent") -> dict[str, Any]:
    return {
        "id": uid,
        "name": name,
        "role": role,
        "active": True,
        "updated_at": "2026-01-01T00:00:00Z",
    }
