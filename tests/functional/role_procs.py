"""Real deskwatch node processes for the collector/viewer tests, and what they printed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class Probe:
    """One ``tests.functional.role_probe`` process; its JSON lines collect in ``events``."""

    def __init__(self, config: Path, state_dir: Path, *, viewer: bool = False) -> None:
        args = [sys.executable, "-m", "tests.functional.role_probe", str(config), str(state_dir)]
        self.proc = subprocess.Popen(
            args + (["--viewer"] if viewer else []),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self.events.append(json.loads(line))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.errors.append(line.rstrip())

    @property
    def pid(self) -> int:
        return self.proc.pid

    def seen(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if e["kind"] == kind]

    @property
    def role(self) -> str | None:
        roles = self.seen("role")
        return roles[-1]["role"] if roles else None

    def signal(self, sig: signal.Signals) -> None:
        os.kill(self.proc.pid, sig)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_for(what: Callable[[], Any], timeout: float, message: str, step: float = 0.05) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:g} s: {message}")


def figures(probe: Probe) -> list[int]:
    """The created-today counts a probe was shown, in order (None: no snapshot yet)."""
    return [e["created_today"] for e in probe.seen("data") if e["created_today"] is not None]
