"""How collectors and viewers of one account find each other: the broker protocol, and the
embedded one-host broker in the state dir (nothing to install or run).

A broker does three things for one account:

- ``lead()``: take or keep the collector lease (True while this process holds it). At most one
  process per account polls Zendesk.
- ``publish(key, payload)``: a collector hands over the newest ``data`` or ``status`` bytes
  (see :mod:`deskwatch.live.wire`).
- ``watch()``: a viewer gets the newest payload of each key at once, then every new one.

:class:`LocalBroker` does it with files in ``<state dir>/live/``: the lease is an exclusive
``flock`` on ``<account>.lock`` (the kernel releases it when the process dies, even on
SIGKILL, so a viewer's next try takes over), a publish is an atomic rename of
``<account>.<key>.json``, and a viewer notices a new file by its ``fstat`` signature every
:data:`WATCH_EVERY` seconds. The NATS broker (``deskwatch.live.nats_broker``) does the same
across hosts. Drill-down on one host reads the cache the collector saved in the state dir
(:func:`deskwatch.live.source.saved_listing`); across hosts it asks by request-reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import os
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

KEYS = ("data", "status")
WATCH_EVERY = 0.1  # seconds between a viewer's looks at the published files


class BrokerDown(Exception):
    """The broker cannot be reached right now (the one-host broker never raises it)."""


class Broker(Protocol):
    #: where viewers and the collector meet, for the status bar ("this host", "nats://h:4222")
    name: str

    @property
    def reachable(self) -> bool: ...

    async def lead(self) -> bool: ...

    async def resign(self) -> None: ...

    async def publish(self, key: str, payload: bytes) -> None: ...

    def watch(self) -> AsyncIterator[tuple[str, bytes]]: ...

    async def aclose(self) -> None: ...


def account_key(base_url: str) -> str:
    """A file- and subject-safe name for one account (its base URL)."""
    url = base_url.rstrip("/").lower()
    host = "".join(c if c.isalnum() else "-" for c in url.split("://")[-1])[:40].strip("-")
    return f"{host}-{hashlib.sha256(url.encode()).hexdigest()[:10]}"


def identity() -> str:
    """Who this process is, as the status bars of other processes show it."""
    return f"pid {os.getpid()} on {socket.gethostname()}"


class LocalBroker:
    """The one-host broker: a lock file and published files in ``<state dir>/live``."""

    name = "this host"

    def __init__(self, state_dir: Path, base_url: str, *, watch_every: float = WATCH_EVERY):
        self.state_dir = Path(state_dir)
        self.dir = self.state_dir / "live"
        self.key = account_key(base_url)
        self.lock_path = self.dir / f"{self.key}.lock"
        self.watch_every = watch_every
        self._fd: int | None = None

    @property
    def reachable(self) -> bool:
        return True

    def path(self, key: str) -> Path:
        return self.dir / f"{self.key}.{key}.json"

    # -- the lease ---------------------------------------------------------------------------
    async def lead(self) -> bool:
        if self._fd is not None:
            return True
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        note = {"collector": identity(), "since": datetime.now(UTC).isoformat()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(note).encode(), 0)
        self._fd = fd
        return True

    async def resign(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing the only descriptor releases the flock

    def holder(self) -> str | None:
        """Who holds the lease, as it wrote itself into the lock file (None: nobody said)."""
        try:
            return str(json.loads(self.lock_path.read_text("utf-8"))["collector"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    # -- publishing and watching -------------------------------------------------------------
    async def publish(self, key: str, payload: bytes) -> None:
        target = self.path(key)
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(payload)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    async def watch(self) -> AsyncIterator[tuple[str, bytes]]:
        seen: dict[str, tuple[int, int, int]] = {}
        while True:
            for key in KEYS:
                got = _read_if_new(self.path(key), seen.get(key))
                if got is not None:
                    seen[key], payload = got
                    yield key, payload
            await asyncio.sleep(self.watch_every)

    async def aclose(self) -> None:
        await self.resign()


def _read_if_new(
    path: Path, seen: tuple[int, int, int] | None
) -> tuple[tuple[int, int, int], bytes] | None:
    """The file's bytes when it is another file than ``seen`` (renamed over), else None."""
    try:
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            signature = (st.st_ino, st.st_mtime_ns, st.st_size)
            if signature == seen:
                return None
            return signature, fh.read()
    except FileNotFoundError:
        return None
