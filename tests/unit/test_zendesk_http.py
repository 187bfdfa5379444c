"""Retry policy, rate limits, typed errors and auth, against httpx.MockTransport."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from deskwatch.zendesk import (
    AuthError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    TalkUnavailableError,
    UnavailableError,
)
from deskwatch.zendesk.http import BACKOFF_CAP, MAX_ATTEMPTS
from tests.unit.test_zendesk_fake import (
    EPOCH,
    FakeClock,
    FakeZendesk,
    collect,
    make_client,
    make_config,
)

GROUPS = "/groups.json"


def groups_fake(*scripted: object) -> FakeZendesk:
    return FakeZendesk(groups=[{"id": 1, "name": "G"}], script={GROUPS: list(scripted)})


async def test_429_retry_waits_at_least_retry_after() -> None:
    fake = groups_fake(httpx.Response(429, headers={"Retry-After": "37"}, json={}))
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "groups")
        assert client.status.state == "ok"
    assert [g["id"] for g in batches[0].records] == [1]
    assert len(fake.requests) == 2
    assert sum(clock.sleeps) >= 37
    assert clock.sleeps and max(clock.sleeps) >= 37 - 1e-9


async def test_incremental_429_blocks_the_export_for_retry_after() -> None:
    body = {"error": "APIRateLimitExceeded", "description": "Number of allowed incremental..."}
    fake = FakeZendesk(
        tickets=[],
        script={"/cursor.json": [httpx.Response(429, headers={"Retry-After": "50"}, json=body)]},
    )
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        await collect(client, "tickets")
    assert len(fake.requests) == 2
    assert clock.now >= 50


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, text="busy"),
        httpx.Response(500, json={"error": "boom"}),
        httpx.Response(409, json={"error": "Conflict"}),
        httpx.Response(200, text="<html>not json"),
        httpx.Response(200, json={"not_groups": []}),
    ],
    ids=["503", "500", "409", "bad-json", "missing-list"],
)
async def test_transient_failures_are_retried_with_backoff(failure: httpx.Response) -> None:
    fake = groups_fake(failure, failure)
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "groups")
    assert [g["id"] for g in batches[0].records] == [1]
    assert len(fake.requests) == 3
    # jittered exponential: attempt 1 in [0.5, 1] s, attempt 2 in [1, 2] s
    assert 0.5 <= clock.sleeps[0] <= 1.0 and 1.0 <= clock.sleeps[1] <= 2.0


async def test_timeouts_and_connection_errors_are_retried() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    fake = groups_fake(timeout, refused)
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "groups")
    assert batches[0].records == [{"id": 1, "name": "G"}]
    assert len(fake.requests) == 3


async def test_retries_are_bounded_then_a_typed_error() -> None:
    fake = groups_fake(*[httpx.Response(502, text="bad gateway")] * 50)
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        with pytest.raises(UnavailableError) as info:
            await collect(client, "groups")
        status = client.status
    assert len(fake.requests) == MAX_ATTEMPTS
    assert all(s <= BACKOFF_CAP for s in clock.sleeps)
    assert "after 6 attempts" in str(info.value) and "HTTP 502" in str(info.value)
    assert "\n" not in str(info.value)
    assert status.state == "unreachable" and status.errors == 1


@pytest.mark.parametrize(
    ("response", "error", "words"),
    [
        (
            httpx.Response(
                403,
                json={
                    "error": "Forbidden",
                    "description": "Missing the following required scopes: read",
                },
            ),
            ForbiddenError,
            "the OAuth token lacks the read scope",
        ),
        (
            httpx.Response(403, json={"error": {"title": "Forbidden", "message": "no access"}}),
            ForbiddenError,
            "needs an agent or admin",
        ),
        (
            httpx.Response(404, json={"error": "RecordNotFound", "description": "Not found"}),
            NotFoundError,
            "check zendesk.subdomain",
        ),
        (
            httpx.Response(400, json={"error": "InvalidPaginationParameter"}),
            BadRequestError,
            "HTTP 400: InvalidPaginationParameter",
        ),
        (
            httpx.Response(422, json={"error": "RecordInvalid", "description": "bad"}),
            BadRequestError,
            "HTTP 422: RecordInvalid: bad",
        ),
    ],
)
async def test_client_errors_are_not_retried(
    response: httpx.Response, error: type[Exception], words: str
) -> None:
    fake = groups_fake(response)
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        with pytest.raises(error) as info:
            await collect(client, "groups")
    assert len(fake.requests) == 1
    assert words in str(info.value)
    assert "\n" not in str(info.value)
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [403, 404])
async def test_talk_endpoints_403_404_say_turn_talk_off(status: int) -> None:
    fake = FakeZendesk(
        script={"/current_queue_activity.json": [httpx.Response(status, json={"error": "x"})]}
    )
    async with make_client(fake, FakeClock()) as client:
        with pytest.raises(TalkUnavailableError) as info:
            await collect(client, "queue")
    assert "Talk is not enabled on this account" in str(info.value)
    assert "set talk.enabled = false" in str(info.value)


async def test_401_invalid_token_refreshes_once_and_rotates_the_refresh_token() -> None:
    cfg = make_config(
        auth={
            "access_token": "old-access",
            "refresh_token": "first-refresh",
            "client_id": "deskwatch",
            "client_secret": "s3cret-client",
        }
    )
    fake = FakeZendesk(groups=[{"id": 1, "name": "G"}])
    fake.valid_token = "something-else"  # the configured access token is rejected
    clock = FakeClock()
    async with make_client(fake, clock, cfg) as client:
        await collect(client, "groups")
        assert fake.token_grants[0]["grant_type"] == "refresh_token"
        assert fake.token_grants[0]["refresh_token"] == "first-refresh"
        assert fake.requests[-1].headers["authorization"] == "Bearer access-1"
        # the token expires in 1800 s: the next request refreshes first, with the rotated token
        clock.now += 1800
        await collect(client, "groups")
    assert len(fake.token_grants) == 2
    assert fake.token_grants[1]["refresh_token"] == "refresh-1"
    assert fake.requests[-1].headers["authorization"] == "Bearer access-2"


async def test_401_without_a_way_to_refresh_is_an_auth_error() -> None:
    fake = FakeZendesk(groups=[])
    fake.valid_token = "other"
    async with make_client(fake, FakeClock()) as client:
        with pytest.raises(AuthError) as info:
            await collect(client, "groups")
        assert client.status.state == "auth_failed"
    assert "set a new zendesk.auth.access_token" in str(info.value)
    assert len(fake.requests) == 1


async def test_401_again_after_a_refresh_stops() -> None:
    cfg = make_config(
        auth={
            "access_token": "old",
            "refresh_token": "r",
            "client_id": "c",
            "client_secret": "s3cret-client",
        }
    )
    always_401 = httpx.Response(401, json={"error": "invalid_token"})
    fake = FakeZendesk(script={GROUPS: [always_401, always_401]})
    async with make_client(fake, FakeClock(), cfg) as client:
        with pytest.raises(AuthError, match="rejected even after a refresh"):
            await collect(client, "groups")
    groups = "/api/v2/groups.json"
    assert [r.url.path for r in fake.requests] == [groups, "/oauth/tokens", groups]


async def test_client_credentials_grant_runs_before_the_first_request() -> None:
    cfg = make_config(
        auth={"method": "oauth_client_credentials", "client_id": "c", "client_secret": "cs-99x"}
    )
    fake = FakeZendesk(groups=[{"id": 1, "name": "G"}])
    async with make_client(fake, FakeClock(), cfg) as client:
        await collect(client, "groups")
    assert fake.paths() == ["/oauth/tokens", "/api/v2/groups.json"]
    assert fake.token_grants[0] == {
        "grant_type": "client_credentials",
        "client_id": "c",
        "client_secret": "cs-99x",
        "scope": "read",
    }


async def test_refused_refresh_token_is_a_clear_auth_error_without_secrets() -> None:
    cfg = make_config(
        auth={
            "access_token": "acc-AAAA",
            "refresh_token": "ref-BBBB",
            "client_id": "c",
            "client_secret": "sec-CCCC",
        }
    )
    fake = FakeZendesk(
        script={
            GROUPS: [httpx.Response(401, json={"error": "invalid_token"})],
            "/oauth/tokens": [
                httpx.Response(
                    400, json={"error": "invalid_grant", "error_description": "ref-BBBB"}
                )
            ],
        }
    )
    async with make_client(fake, FakeClock(), cfg) as client:
        with pytest.raises(AuthError) as info:
            await collect(client, "groups")
        status = client.status
        text = " ".join([str(info.value), repr(client), repr(status), repr(client._auth)])
    assert "refresh token was refused" in str(info.value)
    for secret in ("acc-AAAA", "ref-BBBB", "sec-CCCC"):
        assert secret not in text


async def test_api_token_uses_basic_auth_and_warns_about_2027() -> None:
    cfg = make_config(auth={"method": "api_token", "email": "a@b.c", "api_token": "apitok-123"})
    fake = FakeZendesk(groups=[])
    async with make_client(fake, FakeClock(), cfg) as client:
        await collect(client, "groups")
        assert any("2027-04-30" in w for w in client.warnings)
        assert "apitok-123" not in repr(client) + repr(client.status)
    expected = "Basic " + base64.b64encode(b"a@b.c/token:apitok-123").decode()
    assert fake.requests[0].headers["authorization"] == expected


async def test_requests_carry_user_agent_and_keep_one_connection_pool() -> None:
    fake = FakeZendesk(groups=[])
    async with make_client(fake, FakeClock()) as client:
        await collect(client, "groups")
        await collect(client, "groups")
    assert {r.headers["user-agent"] for r in fake.requests} == {"deskwatch/0.1.0"}


def test_tls_is_always_verified_and_plain_http_only_reaches_loopback() -> None:
    import ssl

    from deskwatch.zendesk import ZendeskError
    from deskwatch.zendesk.http import make_http_client

    client = make_http_client("https://acme.zendesk.com", None)
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert pool._ssl_context.check_hostname
    for url in ("http://acme.zendesk.com", "http://10.0.0.1:8080", "http://127.0.0.1.nip.io"):
        with pytest.raises(ZendeskError, match="without TLS"):
            make_http_client(url, None)
    for url in ("http://127.0.0.1:9", "http://127.8.9.10", "http://[::1]:80", "http://localhost"):
        make_http_client(url, None)


def test_no_code_turns_tls_verification_off() -> None:
    root = Path(__file__).resolve().parents[2] / "deskwatch"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "verify=False" in p.read_text().replace(" ", "") or "verify_tls" in p.read_text()
    ]
    assert offenders == []


async def test_next_page_urls_on_another_host_are_rewritten_to_the_configured_base() -> None:
    pages = [
        httpx.Response(
            200,
            json={
                "agents_activity": [{"agent_id": 1}],
                "next_page": "https://acme.zendesk.com/api/v2/channels/voice/stats/agents_activity.json?page=2",
            },
        )
    ]
    fake = FakeZendesk(script={"/agents_activity.json": pages})
    async with make_client(fake, FakeClock()) as client:
        await collect(client, "agents_activity")
    assert {r.url.host for r in fake.requests} == {"127.0.0.1"}
    assert fake.requests[1].url.params["page"] == "2"


async def test_concurrent_401s_refresh_only_once() -> None:
    import asyncio

    cfg = make_config(
        auth={"access_token": "old", "refresh_token": "r0", "client_id": "c", "client_secret": "s"}
    )
    fake = FakeZendesk(groups=[{"id": 1, "name": "G"}])
    fake.valid_token = "nope"
    async with make_client(fake, FakeClock(), cfg) as client:
        results = await asyncio.gather(*(collect(client, "groups") for _ in range(4)))
    assert all(r[0].records == [{"id": 1, "name": "G"}] for r in results)
    assert len(fake.token_grants) == 1  # a second refresh would spend the rotated token


@pytest.mark.parametrize(
    ("description", "account_held"),
    [
        ("Number of allowed API requests per minute exceeded", True),
        ("Number of allowed incremental export API requests per minute exceeded", False),
    ],
)
async def test_a_429_on_an_export_holds_back_the_right_bucket(
    description: str, account_held: bool
) -> None:
    body = {"error": "APIRateLimitExceeded", "description": description}
    fake = FakeZendesk(
        script={"/cursor.json": [httpx.Response(429, headers={"Retry-After": "30"}, json=body)]}
    )
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        await collect(client, "tickets")
        gov = client.governor
    assert gov.incremental.blocked_until >= 30 or gov.account.blocked_until >= 30
    assert (gov.account.blocked_until >= 30) is account_held


def http_date(epoch: float) -> str:
    from email.utils import formatdate

    return formatdate(epoch, usegmt=True)


@pytest.mark.parametrize("with_date", [True, False])
async def test_429_retry_after_as_an_http_date(with_date: bool) -> None:
    """RFC 9110 lets Retry-After be an HTTP-date: wait until then (counted from the answer's
    own Date, else from our clock), not the 60 s default for a header we cannot read."""
    clock = FakeClock()
    sent = EPOCH + 1000.0 if with_date else clock.wall()  # a server clock far from ours
    headers = {"Retry-After": http_date(sent + 7)}
    if with_date:
        headers["Date"] = http_date(sent)
    fake = groups_fake(httpx.Response(429, headers=headers, json={}))
    async with make_client(fake, clock) as client:
        batches = await collect(client, "groups")
    assert [g["id"] for g in batches[0].records] == [1]
    assert 7 - 1e-9 <= sum(clock.sleeps) <= 9  # 60 before: the date was not understood


@pytest.mark.parametrize("value", ["inf", "nan", "-5", "1e300", "Sun, 99 Foo 2026"])
async def test_429_retry_after_nonsense_never_blocks_for_ever(value: str) -> None:
    fake = groups_fake(httpx.Response(429, headers={"Retry-After": value}, json={}))
    clock = FakeClock()
    async with make_client(fake, clock) as client:
        batches = await collect(client, "groups")
    assert [g["id"] for g in batches[0].records] == [1]
    assert sum(clock.sleeps) <= 3600  # "inf" blocked the account bucket for ever before
