"""``run_checks`` on MockTransport answers: anonymous user, role, scope, Talk, headroom, skew."""

from __future__ import annotations

import re
from email.utils import formatdate

import httpx

from deskwatch.zendesk.check import run_checks
from tests.unit.test_zendesk_fake import EPOCH, FakeClock, FakeZendesk, make_client, make_config

ME = "/users/me.json"


def answer(body: object, *, date_offset: float = 0.0, **headers: str) -> httpx.Response:
    h = {"date": formatdate(EPOCH + date_offset, usegmt=True), **headers}
    return httpx.Response(200, json=body, headers=h)


async def checks(fake: FakeZendesk, **cfg: object) -> dict[str, tuple[bool, str]]:
    async with make_client(fake, FakeClock(), make_config(**cfg) if cfg else None) as c:
        return {r.name: (r.ok, r.detail) for r in await run_checks(c)}


async def test_all_pass_with_a_healthy_admin() -> None:
    me = answer({"user": {"id": 5, "role": "admin", "name": "Ada"}}, **{"x-rate-limit": "400"})
    fake = FakeZendesk(script={ME: [me]})
    fake.headers = {"x-rate-limit": "400", "x-rate-limit-remaining": "390"}
    got = await checks(fake)
    assert all(ok for ok, _ in got.values()), got
    assert "signed in as Ada (id 5)" in got["credentials"][1]
    assert "plan limit 400/min" in got["rate-limit headroom"][1]
    assert "at most 100/min" in got["rate-limit headroom"][1]


async def test_the_anonymous_user_means_bad_credentials() -> None:
    anon = answer({"user": {"id": None, "name": "Anonymous user", "role": "end-user"}})
    got = await checks(FakeZendesk(script={ME: [anon]}))
    assert got["credentials"][0] is False and "anonymous user" in got["credentials"][1]
    assert "role" not in got  # nothing more to check without credentials


async def test_end_user_role_fails() -> None:
    me = answer({"user": {"id": 9, "role": "end-user", "name": "Cus"}})
    got = await checks(FakeZendesk(script={ME: [me]}))
    assert got["role"] == (False, "end-user: deskwatch needs an agent or admin user")


async def test_missing_read_scope_and_talk_off_are_reported() -> None:
    scope = httpx.Response(
        403,
        json={"error": "Forbidden", "description": "Missing the following required scopes: read"},
    )
    talk = httpx.Response(404, json={"error": "InvalidEndpoint"})
    me = answer({"user": {"id": 5, "role": "admin"}})
    fake = FakeZendesk(
        script={ME: [me], "/groups.json": [scope], "/current_queue_activity.json": [talk]}
    )
    got = await checks(fake)
    assert got["read scope"][0] is False and "lacks the read scope" in got["read scope"][1]
    assert got["Talk"][0] is False and "set talk.enabled = false" in got["Talk"][1]


async def test_talk_disabled_in_config_is_skipped() -> None:
    me = answer({"user": {"id": 5, "role": "admin"}})
    got = await checks(FakeZendesk(script={ME: [me]}), talk={"enabled": False})
    assert got["Talk"] == (True, "skipped (talk.enabled = false)")


async def test_clock_skew_over_a_minute_fails() -> None:
    me = answer({"user": {"id": 5, "role": "admin"}})
    fake = FakeZendesk(script={ME: [me], "/groups.json": [], "/current_queue_activity.json": []})
    fake.script["/current_queue_activity.json"] = [
        answer({"current_queue_activity": {}}, date_offset=-300)
    ]
    got = await checks(fake)
    assert got["clock skew"][0] is False
    # the Date header has whole seconds, so the measured skew is 300 s give or take one
    assert re.search(r"\b(299|300|301) s ahead of Zendesk", got["clock skew"][1])


async def test_little_headroom_left_fails() -> None:
    me = answer({"user": {"id": 5, "role": "admin"}})
    fake = FakeZendesk(script={ME: [me]})
    fake.headers = {"x-rate-limit": "700", "x-rate-limit-remaining": "40"}
    got = await checks(fake)
    assert got["rate-limit headroom"][0] is False
    assert "40 left this minute" in got["rate-limit headroom"][1]


async def test_unreachable_is_the_only_line() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    fake = FakeZendesk(script={ME: [refused] * 10})
    got = await checks(fake)
    assert list(got) == ["reachable"] and got["reachable"][0] is False
    assert "connection failed" in got["reachable"][1]
