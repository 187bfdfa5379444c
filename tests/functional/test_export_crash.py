"""Crash safety end to end: SIGKILL a syncing ``export`` (against the simulator, over loopback)
at random points, restart it, and check after every kill that

- the state dir loads without a warning (never a corrupt cache),
- the export then converges to the fault-free snapshot (a cursor ahead of its data would lose
  records for good: the simulated account is static, so they would never come back),
- and keeps what it had synced: after a kill that follows a checkpoint, finishing takes strictly
  fewer requests than a cold sync.

``make test`` runs a bounded number of episodes; the ``slow`` version (``make soak``) many more.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from deskwatch.store import Cache
from deskwatch.store.persist import MANIFEST

# a few ticket pages: at Zendesk's 10 exports a minute (which the client keeps to), a first
# sync of ~15 s, so kills land before, between and after checkpoints; Talk off (its exports
# share that pace, and would only make each run longer)
SIM = dict(
    seed=23,
    speed=0,
    history_days=30,
    tickets=600,
    calls=150,
    agents=10,
    incremental_limit=100_000,
    live=False,
    page_sizes={"tickets": 200},
)
NOW = "2026-11-30T12:00:00+00:00"


def command(config: Path, state: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "deskwatch", "export", "--config", str(config),
        "--state-dir", str(state), "--now", NOW, "--output", str(out),
    ]  # fmt: skip


def run_to_end(sim: Any, config: Path, state: Path, out: Path) -> tuple[int, dict[str, Any]]:
    """Requests it took, and the snapshot."""
    before = sim.sim.requests
    done = subprocess.run(command(config, state, out), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert not [line for line in done.stderr.decode().splitlines() if "warning" in line]
    snapshot = json.loads(out.read_bytes())
    return sim.sim.requests - before, snapshot


def killed(config: Path, state: Path, out: Path, after: float) -> bool:
    """Start an export and SIGKILL it ``after`` seconds in; whether it was still running."""
    proc = subprocess.Popen(
        command(config, state, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        proc.wait(timeout=after)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return True


def checkpointed(state: Path) -> bool:
    """Whether the state dir holds a checkpoint with a tickets cursor."""
    if not (state / MANIFEST).exists():
        return False
    return Cache.load(state).cursor("tickets") is not None


def episodes(sim: Any, tmp_path: Path, count: int, seed: int) -> dict[str, Any]:
    """``count`` episodes: a fresh state dir, 1-3 kills (the first always inside the first
    sync), then a run to the end."""
    config = tmp_path / "deskwatch.toml"
    config.write_text(sim.config_toml() + "\n[talk]\nenabled = false\n")
    config.chmod(0o600)
    started = time.monotonic()
    cold_requests, cold = run_to_end(sim, config, tmp_path / "cold", tmp_path / "cold.json")
    cold_seconds = time.monotonic() - started
    rng = random.Random(seed)
    print(f"cold: {cold_seconds:.1f} s, {cold_requests} requests")
    stats = {"episodes": 0, "kills": 0, "after_checkpoint": 0, "cold_requests": cold_requests}
    for n in range(count):
        state, out = tmp_path / f"s{n}", tmp_path / f"s{n}.json"
        for k in range(rng.randint(1, 3)):
            # the very first kill late in the sync (after a checkpoint), the others anywhere
            after = 0.8 * cold_seconds if n == k == 0 else rng.uniform(0.2, 0.9 * cold_seconds)
            if not killed(config, state, out, after):
                break
            stats["kills"] += 1
            back = Cache.load(state)  # never a corrupt cache
            assert back.warnings == [], back.warnings
        resumed = checkpointed(state)
        requests, snapshot = run_to_end(sim, config, state, out)
        assert snapshot == cold  # converges to the fault-free snapshot
        if resumed:  # keeps what it had synced
            stats["after_checkpoint"] += 1
            assert requests < cold_requests, (requests, cold_requests)
        stats["episodes"] += 1
    return stats


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.timeout(240)
def test_sigkill_during_a_first_sync_never_corrupts_and_resumes(sim: Any, tmp_path: Path) -> None:
    stats = episodes(sim, tmp_path, count=2, seed=int(os.environ.get("SEED", "3")))
    print(stats)
    assert stats["kills"] >= 2 and stats["after_checkpoint"] >= 1


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_sigkill_many_times(sim: Any, tmp_path: Path) -> None:
    stats = episodes(sim, tmp_path, count=30, seed=int(os.environ.get("SEED", "11")))
    print(stats)
    assert stats["kills"] >= 30 and stats["after_checkpoint"] >= 10
