"""``deskwatch check`` as a real subprocess against the simulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from deskwatch.sim import SimHandle

SIM = dict(tickets=200, calls=20, speed=0)
SIM_PER_TEST = True  # tests change its faults or clock


def run_check(config_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.toml"
    path.write_text(config_text)
    path.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "DESKWATCH_"))}
    return subprocess.run(
        [sys.executable, "-m", "deskwatch", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_check_passes_on_a_healthy_account(sim: SimHandle, tmp_path: Path) -> None:
    done = run_check(sim.config_toml(), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in ("reachable", "credentials", "role", "read scope", "Talk", "clock skew"):
        assert any(line.startswith(f"✓ {name}:") for line in lines), done.stdout
    assert "rate-limit headroom" in done.stdout and "all checks passed" in done.stdout
    assert sim.access_token not in done.stdout + done.stderr


def test_check_fails_with_exit_1_on_a_bad_token(sim: SimHandle, tmp_path: Path) -> None:
    text = sim.config_toml().replace(sim.access_token, "wrong-token-value")
    done = run_check(text, tmp_path)
    assert done.returncode == 1
    assert "✗ credentials: the OAuth access token was rejected" in done.stdout
    assert "wrong-token-value" not in done.stdout + done.stderr


def test_api_token_check_shows_the_2027_warning(sim: SimHandle, tmp_path: Path) -> None:
    done = run_check(sim.config_toml("api_token"), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2027-04-30" in done.stdout
    assert sim.api_token not in done.stdout + done.stderr


def test_check_shows_the_bad_records_tally_of_the_state_dir(sim: SimHandle, tmp_path: Path) -> None:
    # the tally the syncs keep in the manifest (issue 16: skipped records shown by check too)
    from collections import Counter

    from deskwatch.rejects import Rejects
    from deskwatch.store import Cache

    state = tmp_path / "state"
    cache = Cache()
    cache.add_rejects(Rejects(Counter({("tickets", "id: id out of range"): 2}), Counter()))
    cache.persist(state)
    text = sim.config_toml() + f'\n[state]\ndir = "{state}"\n'
    done = run_check(text, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "! bad records so far: skipped 2 bad records (tickets id: id out of range ×2); "
        "left out of the figures"
    ) in done.stdout.splitlines()
