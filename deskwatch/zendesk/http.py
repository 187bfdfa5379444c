"""One request with the whole policy around it: auth header, governor, retries, typed errors."""

from __future__ import annotations

import asyncio
import email.utils
import json
import math
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import httpx

from deskwatch import __version__
from deskwatch.config.checks import is_loopback_host
from deskwatch.zendesk.auth import Auth
from deskwatch.zendesk.errors import (
    AuthError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    TalkUnavailableError,
    UnavailableError,
    ZendeskError,
)
from deskwatch.zendesk.governor import Governor

MAX_ATTEMPTS = 6  # transient failures (5xx, 409, timeouts, connection errors, broken pages)
MAX_RATE_WAITS = 8  # consecutive 429s on one request
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0
DEFAULT_RETRY_AFTER = 60.0  # a 429 without Retry-After
MAX_RETRY_AFTER = 3600.0  # a Retry-After further out than this is treated as an hour
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=4, keepalive_expiry=90)
USER_AGENT = f"deskwatch/{__version__}"


@dataclass
class Tracker:
    """What the status bar shows; mutated by the HTTP layer, frozen copies handed out."""

    state: str = "idle"
    retry_at: float | None = None  # wall-clock epoch seconds
    errors: int = 0
    last_error: str | None = None
    skipped: int = 0
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    skipped_by_stream: dict[str, int] = field(default_factory=dict)
    #: (stream, reason) -> records skipped / fields nulled by the edge checks this session
    skipped_reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    nulled_reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    served_by_stream: dict[str, int] = field(default_factory=dict)  # records received, raw


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str]


def make_http_client(
    base_url: str,
    transport: httpx.AsyncBaseTransport | None,
    *,
    timeout: httpx.Timeout = TIMEOUT,
) -> httpx.AsyncClient:
    """The one HTTP client: TLS certificates always verified (httpx's default, never turned
    off), no redirects followed, plain http only to loopback (the config refuses it too)."""
    url = httpx.URL(base_url)
    if url.scheme != "https" and not is_loopback_host(url.host):
        raise ZendeskError(
            f"refusing to send credentials to {url.scheme}://{url.host} without TLS: "
            "use an https:// zendesk.url"
        )
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=timeout,
        limits=LIMITS,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
    )


def _describe(body: Any) -> str:
    """The error name/description from a Zendesk error body, shortened."""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    err = body.get("error")
    if isinstance(err, str):
        parts.append(err)
    elif isinstance(err, dict):
        for key in ("title", "message"):
            if isinstance(err.get(key), str):
                parts.append(err[key])
    for key in ("description", "error_description"):
        if isinstance(body.get(key), str):
            parts.append(body[key])
    text = ": ".join(parts)
    return text[:200]


class Http:
    def __init__(
        self,
        client: httpx.AsyncClient,
        auth: Auth,
        governor: Governor,
        *,
        sleep: Callable[[float], Awaitable[None]],
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.client = client
        self.max_attempts = max_attempts
        self.auth = auth
        self.governor = governor
        self._sleep = sleep
        self._wall = wall
        self._rng = rng or random.Random()
        self.track = Tracker()
        self.last_date: str | None = None  # the Date header of the latest response
        self._token_lock = asyncio.Lock()
        #: the longest wait between two attempts (the app sets its poll interval)
        self.backoff_cap = BACKOFF_CAP
        #: new credentials when the config file changed them since the last call, else None
        self.reload_auth: Callable[[], Auth | None] | None = None
        self._retry_now: asyncio.Event | None = None

    def _url(self, url: str) -> str:
        """Follow a next_page URL only on our own origin; otherwise keep its path and query."""
        if not url.startswith(("http://", "https://")):
            return url
        target, base = httpx.URL(url), self.client.base_url
        if (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port):
            return url
        return target.raw_path.decode("ascii")

    def backoff(self, attempt: int) -> float:
        ceiling = min(BACKOFF_CAP, self.backoff_cap, BACKOFF_BASE * 2 ** (attempt - 1))
        return ceiling * (0.5 + self._rng.random() / 2)

    def retry_now(self) -> None:
        """Cut short every wait between attempts now under way (a 429's wait is kept)."""
        if self._retry_now is not None:
            self._retry_now.set()
            self._retry_now = None

    async def _between_attempts(self, delay: float) -> None:
        """Sleep ``delay`` seconds, or less if :meth:`retry_now` is called meanwhile."""
        if self._retry_now is None:
            self._retry_now = asyncio.Event()
        woken = asyncio.ensure_future(self._retry_now.wait())
        sleep = asyncio.ensure_future(self._sleep(delay))
        try:
            await asyncio.wait((woken, sleep), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (woken, sleep):
                task.cancel()
            await asyncio.gather(woken, sleep, return_exceptions=True)

    def _fail(self, err: ZendeskError) -> ZendeskError:
        self.track.state = err.state
        self.track.errors += 1
        self.track.last_error = str(err)
        self.track.retry_at = None
        return err

    async def _obtain_token(self, generation: int | None = None) -> None:
        """Run the token grant once, even when several streams hit 401 together.

        ``generation``: the token generation the caller used; if another task refreshed since,
        its new token is used instead (a second refresh would spend a rotated refresh token).
        """
        async with self._token_lock:
            if generation is None and not self.auth.needs_token():
                return
            if generation is not None and self.auth.refreshes != generation:
                return
            await self._obtain_token_now()

    async def _obtain_token_now(self) -> None:
        async def post(grant: dict[str, str]) -> tuple[int, Any]:
            reply = await self.request("POST", "/oauth/tokens", json_body=grant, token_call=True)
            assert reply is not None  # only GETs of time-based exports answer None
            return reply.status, reply.body

        try:
            await self.auth.obtain(post)
        except AuthError as exc:
            raise self._fail(exc) from None

    async def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        list_key: str | None = None,
        envelope: Callable[[dict[str, Any]], bool] | None = None,
        incremental: bool = False,
        talk: bool = False,
        too_recent_ok: bool = False,
    ) -> Reply | None:
        """GET a JSON page. ``None`` means a time-based export said "Too recent start_time".

        ``list_key`` names the list the page must hold; ``envelope`` can check more. A page that
        fails either is rejected and fetched again (bounded), like a 5xx.
        """
        return await self.request(
            "GET",
            url,
            params=params,
            list_key=list_key,
            envelope=envelope,
            incremental=incremental,
            talk=talk,
            too_recent_ok=too_recent_ok,
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        list_key: str | None = None,
        envelope: Callable[[dict[str, Any]], bool] | None = None,
        incremental: bool = False,
        talk: bool = False,
        too_recent_ok: bool = False,
        token_call: bool = False,
    ) -> Reply | None:
        path = httpx.URL(url).path or url
        attempt = rate_waits = 0
        refreshed = False
        last = ""
        url = self._url(url)
        while True:
            if not token_call and self.reload_auth is not None:
                fresh = self.reload_auth()  # credentials replaced in the config file
                if fresh is not None:
                    self.auth = fresh
            if not token_call and self.auth.needs_token():
                await self._obtain_token()
            await self.governor.acquire(incremental=incremental, talk=talk)
            generation = self.auth.refreshes
            headers = {} if token_call else {"Authorization": self.auth.header()}
            self.track.requests += 1
            try:
                resp = await self.client.request(
                    method, url, params=params, json=json_body, headers=headers
                )
                body_bytes = resp.content
            except httpx.TimeoutException:
                last = "timed out"
                resp = None
            except httpx.TransportError as exc:
                last = f"connection failed ({type(exc).__name__})"
                resp = None
            if resp is not None:
                self.governor.observe(resp.headers, incremental=incremental)
                self.last_date = resp.headers.get("date") or self.last_date
                status = resp.status_code
                body = _json(body_bytes)
                if status == 200:
                    if body is _BAD or not isinstance(body, dict):
                        last = "a page that is not a JSON object"
                    elif list_key and not isinstance(body.get(list_key), list):
                        last = f'a page without a "{list_key}" list'
                    elif envelope is not None and not envelope(body):
                        last = "a page with a broken envelope"
                    else:
                        self.track.state = "ok"
                        self.track.retry_at = None
                        return Reply(status, body, resp.headers)
                elif token_call and 400 <= status < 500 and status != 429:
                    return Reply(status, None if body is _BAD else body, resp.headers)
                elif status == 429:
                    rate_waits += 1
                    self.track.rate_limited += 1
                    if rate_waits > MAX_RATE_WAITS:
                        raise self._fail(
                            RateLimitedError(
                                f"Zendesk kept answering 429 (rate limited) for {path} after "
                                f"{MAX_RATE_WAITS} waits: other integrations may be using the "
                                "whole budget; lower budget.share or try later",
                                status=429,
                            )
                        )
                    wait = _retry_after(resp.headers, self._wall())
                    # an export can also hit the account-wide limit: then hold everything back
                    export_limit = incremental and "incremental" in str(body).lower()
                    self.governor.penalise(wait, incremental=export_limit, talk=talk)
                    self.track.state = "rate_limited"
                    self.track.retry_at = self._wall() + wait
                    continue
                elif status == 401 and not token_call:
                    if not refreshed and self.auth.can_refresh:
                        refreshed = True
                        await self._obtain_token(generation)
                        continue
                    raise self._fail(self._auth_error(body, refreshed))
                elif status in (409,) or status >= 500:
                    last = f"HTTP {status}"
                else:
                    if status == 422 and too_recent_ok and "too recent" in str(body).lower():
                        self.track.state = "ok"
                        return None
                    raise self._fail(self._client_error(status, body, path, talk))
            attempt += 1
            self.track.retries += 1
            if attempt >= self.max_attempts:
                raise self._fail(
                    UnavailableError(
                        f"Zendesk did not answer {path} properly after {attempt} attempts "
                        f"(last: {last}): check the network and status.zendesk.com"
                    )
                )
            delay = self.backoff(attempt)
            self.track.state = "retrying"
            self.track.retry_at = self._wall() + delay
            self.track.last_error = f"{path}: {last}, retrying"
            await self._between_attempts(delay)

    def _auth_error(self, body: Any, refreshed: bool) -> AuthError:
        detail = _describe(body)
        if self.auth.method == "api_token":
            msg = (
                "Zendesk rejected the API token credentials: check zendesk.auth.email and "
                "zendesk.auth.api_token (API tokens stop working on 2027-04-30; prefer OAuth)"
            )
        elif refreshed:
            msg = (
                "the OAuth token was rejected even after a refresh: check the OAuth client "
                "in Zendesk Admin Center and its read scope"
            )
        else:
            msg = (
                f"the OAuth access token was rejected ({detail or '401'}): set a new "
                "zendesk.auth.access_token, or add refresh_token, client_id and client_secret"
            )
        return AuthError(self.auth.scrub(msg), status=401)

    def _client_error(self, status: int, body: Any, path: str, talk: bool) -> ZendeskError:
        detail = self.auth.scrub(_describe(body)) or f"HTTP {status}"
        if talk and status in (403, 404):
            return TalkUnavailableError(
                f"Talk is not enabled on this account (or this user cannot read Talk stats; "
                f"{detail}): set talk.enabled = false",
                status=status,
            )
        if status == 403:
            if "scope" in detail.lower():
                return ForbiddenError(
                    f"the OAuth token lacks the read scope ({detail}): create a token with "
                    "scope read",
                    status=403,
                )
            if "/incremental/" in path:
                return ForbiddenError(
                    f"Zendesk refused the incremental export {path} (403: {detail}): "
                    "incremental exports need an admin user's credentials",
                    status=403,
                )
            return ForbiddenError(
                f"Zendesk refused {path} (403: {detail}): deskwatch needs an agent or admin "
                "user allowed to read tickets",
                status=403,
            )
        if status == 404:
            return NotFoundError(
                f"Zendesk answered 404 for {path} ({detail}): check zendesk.subdomain or "
                "zendesk.url",
                status=404,
            )
        return BadRequestError(
            f"Zendesk refused the request {path} (HTTP {status}: {detail}): a stored cursor may "
            "be stale; delete the state dir's cursors to resync, and report it if it persists",
            status=status,
        )


_BAD = object()


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nesting too deep counts as broken
        return _BAD


def _retry_after(headers: Mapping[str, str], wall: float) -> float:
    """Seconds to wait after a 429: ``Retry-After`` as delta-seconds or as an HTTP-date (RFC
    9110 allows both; a date counts from the response's own ``Date``, else from ``wall``),
    then ``ratelimit-reset``; 60 s when none can be read."""
    for name in ("retry-after", "ratelimit-reset"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value.strip())
        except ValueError:
            if name != "retry-after":
                continue
            at = _http_date(value)
            if at is None:
                continue
            sent = _http_date(headers.get("date", ""))
            seconds = at - (sent if sent is not None else wall)
        if math.isfinite(seconds):
            return min(max(0.0, seconds), MAX_RETRY_AFTER)
    return DEFAULT_RETRY_AFTER


def _http_date(value: str) -> float | None:
    """Epoch seconds of an HTTP-date (``Sun, 06 Nov 1994 08:49:37 GMT``); None if it is not one."""
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110: HTTP-dates are always GMT
        when = when.replace(tzinfo=UTC)
    return when.timestamp()
