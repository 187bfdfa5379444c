"""The broker across hosts: a NATS JetStream key-value bucket per account.

``[broker] url = "nats://host:4222"`` puts collectors and viewers of one account on any host in
the bucket ``deskwatch-<account>``: keys ``data`` and ``status`` hold the newest payloads (a new
viewer's watch gets both at once, then every update) and ``lease`` holds the collector lease.

The lease is compare-and-set on the key's revision: a collector renews it every
``lead_every`` seconds with ``update(last=its revision)``; a failed update means another process
took it. A process without the lease takes a missing (or deleted) one with ``create``, and a
held one only when its revision has not moved for ``ttl`` seconds *by its own clock*, with
``update(last=that revision)``: clocks of different hosts are never compared. On one host the
lease also needs the state dir's flock (:class:`~deskwatch.live.broker.LocalBroker`), so two
processes never write one cache.

A broker that cannot be reached when a process starts must not stop the polling: after ``ttl``
seconds of not reaching it, a process that has never reached it and holds this host's flock
collects *offline* (polls and persists locally; publishes once the broker is back). When it
comes back, an offline collector keeps the lease if nobody else renews one, and steps back to
viewer when another host's collector does (two hosts started during one outage both poll
until then: the price of never leaving an account unwatched). A viewer that has reached the
broker before stays a viewer through an outage: its collector is most likely still polling.

What goes over the broker is what :mod:`deskwatch.live.wire` encodes and the holder's name:
never a Zendesk credential. Drill-down asks the collector by request-reply on
``deskwatch.<account>.drill`` (:func:`drill_subject`): :meth:`NatsBroker.ask` and
:meth:`NatsBroker.answer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import nats
from nats.aio.client import Client as NATS
from nats.js.api import KeyValueConfig
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, KeyWrongLastSequenceError

from deskwatch.live.broker import KEYS, BrokerDown, LocalBroker, account_key, identity

LEASE = "lease"
CONNECT_TIMEOUT = 2  # seconds (nats-py takes whole seconds)
RETRY_EVERY = 1  # seconds between attempts to reach a broker that is down
STOP_WAIT = 0.5  # seconds a stopping watch waits for its unsubscribe


class PayloadTooLarge(OSError):
    """A payload over the server's max_payload: said, never dropped in silence."""


def drill_subject(base_url: str) -> str:
    return f"deskwatch.{account_key(base_url)}.drill"


def tls_context(ca: Path | None, cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    """A client TLS context from the ``[broker]`` files (None: none of them set)."""
    if ca is None and cert is None:
        return None
    context = ssl.create_default_context(cafile=str(ca) if ca else None)
    if cert is not None:
        context.load_cert_chain(str(cert), str(key) if key else None)
    return context


class NatsBroker:
    """Collector lease, publishing and watching in one JetStream KV bucket per account."""

    def __init__(
        self,
        url: str,
        state_dir: Path,
        base_url: str,
        *,
        ttl: float,
        credentials: Path | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.url = url
        self.name = _without_userinfo(url)
        self.bucket = f"deskwatch-{account_key(base_url)}"
        self.ttl = ttl
        self._credentials = credentials
        self._tls = tls
        self._local = LocalBroker(state_dir, base_url)
        self._nc: Any = None
        self._kv: Any = None
        self._next_try = 0.0
        self._generation = 0  # bumps on every (re)connection: watches start over
        self._held: int | None = None  # the lease revision this process wrote last
        self._seen: tuple[int, float] | None = None  # another's lease revision, first seen at
        self.drill_subject = drill_subject(base_url)
        self._down_since: float | None = None  # not reached since (monotonic); None: reached
        self._offline = False  # collecting without having reached the broker
        self._ever_reached = False
        self._answering: tuple[Any, Any] | None = None  # (connection, subscription)

    # -- the connection ------------------------------------------------------------------------
    @property
    def reachable(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def _ensure(self) -> Any:
        if self.reachable and self._kv is not None:
            return self._kv
        if self._nc is not None and self._nc.is_reconnecting:
            raise BrokerDown(f"broker {self.name} unreachable (reconnecting)")
        now = time.monotonic()
        if now < self._next_try:
            raise BrokerDown(f"broker {self.name} unreachable")
        self._next_try = now + RETRY_EVERY
        try:
            if self._nc is None or self._nc.is_closed or not self._nc.is_connected:
                await self._drop()
                # nats-py retries a first connection for ever when reconnecting is allowed:
                # a broker that is down when we start must be said, not waited on
                nc = NATS()
                try:
                    await asyncio.wait_for(
                        nc.connect(
                            self.url,
                            connect_timeout=CONNECT_TIMEOUT,
                            allow_reconnect=True,
                            max_reconnect_attempts=-1,
                            reconnect_time_wait=RETRY_EVERY,
                            user_credentials=str(self._credentials) if self._credentials else None,
                            tls=self._tls,
                            error_cb=_quiet,
                            disconnected_cb=self._disconnected,
                            reconnected_cb=self._reconnected,
                            name=identity(),
                        ),
                        CONNECT_TIMEOUT + 0.5,
                    )
                except BaseException:
                    with contextlib.suppress(Exception):
                        await nc.close()
                    raise
                self._nc = nc
            js = self._nc.jetstream(timeout=CONNECT_TIMEOUT)
            try:
                self._kv = await js.key_value(self.bucket)
            except BucketNotFoundError:
                self._kv = await js.create_key_value(KeyValueConfig(bucket=self.bucket, history=1))
            self._generation += 1
        except Exception as exc:
            await self._drop()
            reason = str(exc) or type(exc).__name__
            raise BrokerDown(f"broker {self.name} unreachable: {reason}") from None
        return self._kv

    async def _drop(self) -> None:
        nc, self._nc, self._kv = self._nc, None, None
        if nc is not None:
            with contextlib.suppress(Exception):
                await nc.close()

    async def _disconnected(self) -> None:
        self._kv = None

    async def _reconnected(self) -> None:
        self._next_try = 0.0  # the bucket is looked up again on the next call

    # -- the lease -----------------------------------------------------------------------------
    @property
    def max_payload(self) -> int:
        """The largest payload the server takes (1 MB unless it is configured otherwise)."""
        return int(self._nc.max_payload) if self.reachable else 1 << 20

    async def lead(self) -> bool:
        if not await self._local.lead():
            return False  # another process on this host (same state dir) is the candidate
        try:
            kv = await self._ensure()
        except BrokerDown:
            now = time.monotonic()
            if self._held is not None or self._offline:
                return True  # keep polling and persisting; publish again when it is back
            if self._ever_reached:
                # a viewer through an outage: the collector is most likely polling, and the
                # lease's age is unknown across it (its renewals could not reach us): the ttl
                # counts again from the first sight once the broker is back
                self._seen = None
                raise
            if self._down_since is None:
                self._down_since = now
            if now - self._down_since < self.ttl:
                raise
            self._offline = True  # nobody can be known to collect: do it, locally
            return True
        self._down_since, self._ever_reached = None, True
        if self._offline:
            return await self._back_online(kv)
        note = json.dumps({"collector": identity()}).encode()
        try:
            if self._held is not None:
                self._held = await kv.update(LEASE, note, last=self._held)
                return True
            try:
                entry = await kv.get(LEASE)
            except KeyNotFoundError:
                self._held = await kv.create(LEASE, note)
                self._seen = None
                return True
            now = time.monotonic()
            if self._seen is None or self._seen[0] != entry.revision:
                self._seen = (entry.revision, now)
                return False
            if now - self._seen[1] < self.ttl:
                return False
            self._held = await kv.update(LEASE, note, last=entry.revision)  # it lapsed
            self._seen = None
            return True
        except KeyWrongLastSequenceError:
            self._held = None
            return False
        except Exception as exc:
            raise BrokerDown(f"broker {self.name}: {exc or type(exc).__name__}") from None

    async def _back_online(self, kv: Any) -> bool:
        """An offline collector meets the broker again: take a free or lapsed lease, and step
        back as soon as another collector is seen renewing it."""
        note = json.dumps({"collector": identity()}).encode()
        try:
            try:
                entry = await kv.get(LEASE)
            except KeyNotFoundError:
                self._held = await kv.create(LEASE, note)
                self._offline, self._seen = False, None
                return True
            now = time.monotonic()
            if self._seen is None:
                self._seen = (entry.revision, now)
                return True
            if self._seen[0] != entry.revision:  # renewed: another collector is alive
                self._offline, self._seen = False, None
                return False
            if now - self._seen[1] < self.ttl:
                return True
            self._held = await kv.update(LEASE, note, last=entry.revision)
            self._offline, self._seen = False, None
            return True
        except KeyWrongLastSequenceError:
            self._offline, self._seen = False, None
            return False
        except Exception as exc:
            raise BrokerDown(f"broker {self.name}: {exc or type(exc).__name__}") from None

    async def resign(self) -> None:
        self._offline, self._down_since = False, None
        held, self._held = self._held, None
        if held is not None and self.reachable:
            with contextlib.suppress(Exception):
                await self._kv.delete(LEASE, last=held)  # the next one need not wait the ttl
        await self._local.resign()

    # -- publishing and watching ---------------------------------------------------------------
    async def publish(self, key: str, payload: bytes) -> None:
        kv = await self._ensure()
        if len(payload) > self.max_payload:
            raise PayloadTooLarge(
                f"the {key} payload is {len(payload) // 1024} KB, over the broker's max_payload "
                f"of {self.max_payload // 1024} KB: raise max_payload in nats-server's config"
            )
        try:
            await kv.put(key, payload)
        except Exception as exc:
            raise BrokerDown(f"broker {self.name}: {exc or type(exc).__name__}") from None

    async def watch(self) -> AsyncIterator[tuple[str, bytes]]:
        while True:
            try:
                kv = await self._ensure()
                generation = self._generation
                watcher = await kv.watchall()
            except Exception:  # BrokerDown, or the broker went away while we asked
                await asyncio.sleep(RETRY_EVERY)
                continue
            try:
                while generation == self._generation and self.reachable:
                    try:
                        entry = await watcher.updates(timeout=0.5)
                    except nats.errors.TimeoutError:
                        continue
                    if entry is None or entry.key not in KEYS or entry.operation is not None:
                        continue
                    yield entry.key, entry.value
            finally:  # an unsubscribe can wait on a broker that is gone: never for long
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(watcher.stop(), STOP_WAIT)

    # -- drill-down by request-reply -------------------------------------------------------------
    async def answer(self, handler: Callable[[bytes], Awaitable[bytes]]) -> None:
        """Make sure this connection answers drill requests with ``handler`` (call it again
        after the broker was down: it subscribes once per connection; nats-py renews the
        subscription itself when that connection reconnects)."""
        nc = self._nc
        if not self.reachable or (self._answering and self._answering[0] is nc):
            return

        async def reply(msg: Any) -> None:
            with contextlib.suppress(Exception):  # the asker may be gone: never our problem
                await msg.respond(await handler(msg.data))

        sub = await nc.subscribe(self.drill_subject, cb=reply)
        await nc.flush(timeout=CONNECT_TIMEOUT)  # the server knows it before we say we answer
        self._answering = (nc, sub)

    async def stop_answering(self) -> None:
        answering, self._answering = self._answering, None
        if answering is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(answering[1].unsubscribe(), STOP_WAIT)

    async def ask(self, payload: bytes, timeout: float) -> bytes:
        """The collector's reply to a drill request (BrokerDown: no broker, or no collector
        answered within ``timeout`` seconds)."""
        await self._ensure()
        try:
            msg = await self._nc.request(self.drill_subject, payload, timeout=timeout)
        except nats.errors.NoRespondersError:
            raise BrokerDown("no collector answers drill-down requests right now") from None
        except nats.errors.TimeoutError:
            raise BrokerDown(f"the collector did not answer within {timeout:g} s") from None
        except Exception as exc:
            raise BrokerDown(f"broker {self.name}: {exc or type(exc).__name__}") from None
        return bytes(msg.data)

    async def aclose(self) -> None:
        await self.stop_answering()
        await self.resign()
        await self._drop()


def _without_userinfo(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest.split("/", 1)[0]:
        return f"{scheme}://{rest.split('@', 1)[1]}"
    return url


async def _quiet(exc: Exception) -> None:
    """nats-py logs every failed reconnect; the status bar says "broker unreachable" instead."""
