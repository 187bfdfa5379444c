"""``deskwatch check``: a checklist of what deskwatch needs from the configured account."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from deskwatch.config.text import clean
from deskwatch.zendesk.client import ZendeskClient
from deskwatch.zendesk.errors import (
    AuthError,
    ForbiddenError,
    TalkUnavailableError,
    UnavailableError,
    ZendeskError,
)

MAX_SKEW = 60.0  # seconds; exports hide the last minute, start_time must lag the server clock
NAME_LIMIT = 80  # characters of a server's text (user name, role, header) shown
MIN_HEADROOM = 0.10  # fail when under 10% of the account's minute is left


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


async def run_checks(client: ZendeskClient) -> list[CheckResult]:
    results: list[CheckResult] = []
    add = results.append
    cfg = client.cfg
    base = cfg.zendesk.base_url
    try:
        me = await client.get_json("/api/v2/users/me.json")
    except UnavailableError as exc:
        add(CheckResult("reachable", False, str(exc)))
        return results
    except AuthError as exc:
        add(CheckResult("reachable", True, base))
        add(CheckResult("credentials", False, str(exc)))
        return results
    except ZendeskError as exc:
        add(CheckResult("reachable", True, base))
        add(CheckResult("credentials", False, str(exc)))
        return results
    add(CheckResult("reachable", True, base))
    user: Any = me.body.get("user") if isinstance(me.body, dict) else None
    user = user if isinstance(user, dict) else {}
    uid, role = user.get("id"), user.get("role")
    if not isinstance(uid, int) or not isinstance(role, str):
        add(
            CheckResult(
                "credentials",
                False,
                "Zendesk answered with the anonymous user: the credentials were not accepted; "
                "check zendesk.auth",
            )
        )
        return results
    name = user.get("name")
    who = clean(name, NAME_LIMIT) if isinstance(name, str) and name else str(uid)
    add(CheckResult("credentials", True, f"signed in as {who} (id {uid})"))
    if role == "admin":
        add(CheckResult("role", True, role))
    elif role == "agent":
        add(CheckResult("role", True, "agent (the ticket and user exports need an admin)"))
    else:
        shown = clean(role, NAME_LIMIT)  # the server's text, printed: one printable line
        add(CheckResult("role", False, f"{shown}: deskwatch needs an agent or admin user"))

    try:
        await client.get_json("/api/v2/groups.json?page[size]=1")
        add(CheckResult("read scope", True, "tickets, users and groups are readable"))
    except (ForbiddenError, AuthError) as exc:
        add(CheckResult("read scope", False, str(exc)))
    except ZendeskError as exc:
        add(CheckResult("read scope", False, str(exc)))

    if cfg.talk.enabled:
        try:
            await client.get_json(
                "/api/v2/channels/voice/stats/current_queue_activity.json", talk=True
            )
            add(CheckResult("Talk", True, "Talk stats are readable"))
        except TalkUnavailableError as exc:
            add(CheckResult("Talk", False, str(exc)))
        except ZendeskError as exc:
            add(CheckResult("Talk", False, str(exc)))
    else:
        add(CheckResult("Talk", True, "skipped (talk.enabled = false)"))

    add(_headroom(client))
    add(_skew(client))
    return results


def _headroom(client: ZendeskClient) -> CheckResult:
    gov = client.governor
    if not gov.limit_learned:
        return CheckResult(
            "rate-limit headroom",
            True,
            f"no rate-limit headers seen; deskwatch assumes {gov.plan_limit}/min and uses at "
            f"most {gov.allowed_per_minute}/min",
        )
    left = gov.remaining
    text = (
        f"plan limit {gov.plan_limit}/min, {left if left is not None else '?'} left this minute; "
        f"deskwatch will use at most {gov.allowed_per_minute}/min"
    )
    if left is not None and left < gov.plan_limit * MIN_HEADROOM:
        return CheckResult(
            "rate-limit headroom",
            False,
            text + ": other integrations use nearly all of it; lower budget.share",
        )
    return CheckResult("rate-limit headroom", True, text)


def _skew(client: ZendeskClient) -> CheckResult:
    date = client.server_date()
    if not date:
        return CheckResult("clock skew", True, "the server sent no Date header; not checked")
    try:
        server = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        shown = clean(date, NAME_LIMIT)
        return CheckResult("clock skew", True, f"unreadable Date header '{shown}'; not checked")
    skew = client.wall() - server
    text = f"local clock is {abs(skew):.0f} s {'ahead of' if skew >= 0 else 'behind'} Zendesk"
    if abs(skew) > MAX_SKEW:
        return CheckResult("clock skew", False, text + ": synchronise the clock (NTP)")
    return CheckResult("clock skew", True, text)
