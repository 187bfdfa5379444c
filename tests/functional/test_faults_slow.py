"""The heavy variants of the fault matrix (``make soak``, marked ``slow``; not in ``make test``):
the app at its default poll cadences (10 s live, 60 s incremental, 15 min reference) and the
client's production retries and 30 s read timeout, with the server gone for minutes and with
repeated 429 storms; ``deskwatch export`` as its own process at Zendesk's real 10 exports a
minute with the server gone mid-sync. Each time: survived, shown while it lasts, recovered
within one poll interval of the fault clearing, and the same snapshot as a fault-free export.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deskwatch.sim import SimHandle
from tests.functional.test_faults_app import Harness
from tests.functional.test_faults_export import NOW, Runner, calm, fast_pace, same
from tests.functional.test_faults_export import SIM as EXPORT_SIM

pytestmark = pytest.mark.slow
SIM = EXPORT_SIM
LIVE = 10.0  # the default [poll] live
SLACK = 5.0
DEFAULT_POLL = ""  # the defaults: live 10 s, incremental 60 s, reference 900 s


@pytest.fixture
def account(sim: SimHandle) -> Iterator[SimHandle]:
    with calm(sim) as calm_sim:
        yield calm_sim


@pytest.fixture
def reference(account: SimHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        fast_pace(mp)
        return Runner(account, tmp_path / "export", capsys).reference()


async def test_app_with_the_server_gone_for_three_minutes(
    account: SimHandle, tmp_path: Path, reference: Any
) -> None:
    h = Harness(account, tmp_path, poll=DEFAULT_POLL, read_timeout=30.0)
    async with h.app.run_test(size=(120, 40)) as pilot:
        h.pilot = pilot
        await h.live()
        account.go_away()
        await h.until(lambda: h.state.startswith("⟳"), LIVE + SLACK, "server gone shown")
        seen: set[str] = set()
        end = time.monotonic() + 180
        while time.monotonic() < end:
            seen.add(h.state)
            await pilot.pause(0.5)
        assert "● live" not in seen, seen
        h.check_running()
        mark = h.mark()
        account.come_back()
        await h.until(
            lambda: h.recovered(mark),
            LIVE + SLACK,
            "recovered after three minutes gone",
        )
        same(h.snapshot(), reference)
        await pilot.press("q")


async def test_app_through_repeated_429_storms(
    account: SimHandle, tmp_path: Path, reference: Any
) -> None:
    h = Harness(account, tmp_path, poll=DEFAULT_POLL, read_timeout=30.0)
    async with h.app.run_test(size=(120, 40)) as pilot:
        h.pilot = pilot
        await h.live()
        for i in range(6):
            form = "date" if i % 2 else "seconds"
            account.set_faults(storm_rate=1.0, storm_retry_after=15, retry_after_form=form)
            await h.until(lambda: h.state.startswith("⟳ retrying in"), LIVE + SLACK, "storm")
            await pilot.pause(20)
            h.check_running()
            mark = h.mark()
            account.set_faults("none")
            # the last Retry-After (15 s) is honoured, then one poll interval at most
            await h.until(
                lambda m=mark: h.recovered(m),
                15 + LIVE + SLACK,
                f"recovered after storm {i + 1}",
            )
        same(h.snapshot(), reference)
        await pilot.press("q")


def test_export_process_with_the_server_gone_mid_sync(
    account: SimHandle, tmp_path: Path, reference: Any
) -> None:
    """At Zendesk's real pace, as its own process: the server goes away mid first sync and
    stays away; export gives up with one line (no traceback); back, the next export finishes
    to the fault-free snapshot."""
    config = tmp_path / "deskwatch.toml"
    config.write_text(account.config_toml(share=1.0, exports_per_minute=10))  # Zendesk's pace
    config.chmod(0o600)
    state, out = tmp_path / "state", tmp_path / "out.json"
    argv = [sys.executable, "-m", "deskwatch", "export", "--config", str(config)]
    argv += ["--state-dir", str(state), "--now", NOW, "--output", str(out)]
    served = account.sim.requests

    def strike() -> None:
        while account.sim.requests < served + 8:
            time.sleep(0.01)
        account.go_away()

    threading.Thread(target=strike, daemon=True).start()
    done = subprocess.run(argv, capture_output=True, timeout=600)
    err = done.stderr.decode().splitlines()
    assert done.returncode == 1 and len(err) == 1, err
    assert "connection failed" in err[0] and "Traceback" not in done.stderr.decode()
    account.come_back()
    done = subprocess.run(argv, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    same(json.loads(out.read_text()), reference)
