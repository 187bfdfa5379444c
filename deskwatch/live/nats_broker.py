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

What goes over the broker is what :mod:`deskwatch.live.wire` encodes and the holder's name:
never a Zendesk credential. Drill-down (not built yet) will ask the collector by request-reply
on ``deskwatch.<account>.drill`` (:func:`drill_subject`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nats
from nats.js.api import KeyValueConfig
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, KeyWrongLastSequenceError

from deskwatch.live.broker import KEYS, BrokerDown, LocalBroker, account_key, identity

LEASE = "lease"
CONNECT_TIMEOUT = 2.0
RETRY_EVERY = 1.0  # seconds between attempts to reach a broker that is down
STOP_WAIT = 0.5  # seconds a stopping watch waits for its unsubscribe


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
                self._nc = await nats.connect(
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
                )
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
    async def lead(self) -> bool:
        if not await self._local.lead():
            return False  # another process on this host (same state dir) is the candidate
        kv = await self._ensure()
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

    async def resign(self) -> None:
        held, self._held = self._held, None
        if held is not None and self.reachable:
            with contextlib.suppress(Exception):
                await self._kv.delete(LEASE, last=held)  # the next one need not wait the ttl
        await self._local.resign()

    # -- publishing and watching ---------------------------------------------------------------
    async def publish(self, key: str, payload: bytes) -> None:
        kv = await self._ensure()
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

    async def aclose(self) -> None:
        await self.resign()
        await self._drop()


def _without_userinfo(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest.split("/", 1)[0]:
        return f"{scheme}://{rest.split('@', 1)[1]}"
    return url


async def _quiet(exc: Exception) -> None:
    """nats-py logs every failed reconnect; the status bar says "broker unreachable" instead."""
