"""One collector and five viewers on one host, as real processes against the simulator.

The collector is the first process to take the account's lock in the state dir; the five
others only read what it publishes. Stopping the collector (SIGSTOP) stops every request the
simulator sees: the viewers make none. SIGKILL hands the lock to one viewer within one poll
interval; it resumes from the saved cursors and every viewer's figures go on, never back.
"""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import httpx

from deskwatch.sim import SimHandle
from deskwatch.store import Cache
from tests.functional.role_procs import Probe, figures, wait_for

SIM = {
    "history_days": 3, "speed": 20.0, "tickets": 900,
    "incremental_limit": 100_000, "account_limit": 100_000,  # the client goes as fast as it may
}  # fmt: skip
SIM_PER_TEST = True
INTERVAL = 2.0


def write_config(sim: SimHandle, path: Path) -> Path:
    path.write_text(
        sim.config_toml()
        + f"\n[poll]\nlive = {INTERVAL}\nincremental = {INTERVAL}\nreference = 60\n"
        + "\n[sync]\nhistory_days = 4\n\n[kpis]\nwindow_days = 3\n",
        encoding="utf-8",
    )
    return path


def requests(sim: SimHandle) -> int:
    return int(httpx.get(f"{sim.url}/__sim/state").json()["requests"])


def assert_no_requests_while_stopped(sim: SimHandle, collector: Probe) -> None:
    """With the collector frozen for two intervals, nobody else asks Zendesk anything."""
    collector.signal(signal.SIGSTOP)
    try:
        time.sleep(0.5)  # requests already on the wire land
        before = requests(sim)
        time.sleep(2 * INTERVAL)
        assert requests(sim) == before, "a viewer polled while the collector was stopped"
    finally:
        collector.signal(signal.SIGCONT)


def test_one_collector_five_viewers_and_a_sigkill_takeover(sim: SimHandle, tmp_path: Path):
    config = write_config(sim, tmp_path / "config.toml")
    state = tmp_path / "state"
    first = Probe(config, state)
    probes = [first]
    try:
        wait_for(lambda: first.role == "collector", 20, "the first process collects")
        viewers = [Probe(config, state) for _ in range(5)]
        probes += viewers
        wait_for(lambda: all(figures(v) for v in viewers), 60, "every viewer shows published data")
        assert [v.role for v in viewers] == ["viewer"] * 5
        assert {v.seen("role")[-1]["collector"] for v in viewers} == {
            f"pid {first.pid} on {socket.gethostname()}"
        }
        assert_no_requests_while_stopped(sim, first)

        # the kill: one viewer takes the lock within one interval and publishes again
        before = {v.pid: len(figures(v)) for v in viewers}
        first.signal(signal.SIGKILL)
        killed_at = time.time()
        new = wait_for(
            lambda: next((v for v in viewers if v.role == "collector"), None),
            10,
            "a viewer takes over",
        )
        took = new.seen("role")[-1]["t"] - killed_at
        assert took <= INTERVAL + 0.5, f"takeover took {took:.2f} s"
        rest = [v for v in viewers if v is not new]
        wait_for(
            lambda: all(len(figures(v)) > before[v.pid] for v in rest),
            30,
            "the viewers get data from the new collector",
        )
        assert [v.role for v in rest] == ["viewer"] * 4
        assert_no_requests_while_stopped(sim, new)

        # no gap: the figures every viewer was shown never went back, and once the
        # simulator stands still the new collector's cache holds every ticket there is
        for v in rest:
            shown = figures(v)
            assert shown == sorted(shown), f"figures went back on takeover: {shown}"
        sim.freeze_clock()
        total = int(httpx.get(f"{sim.url}/__sim/state").json()["tickets"])
        time.sleep(3 * INTERVAL)  # a full round of polls after the freeze
        new.stop()
        assert Cache.load(state).frames.tickets.height == total
        assert not [line for p in probes for line in p.errors if "Traceback" in line]
    finally:
        for p in probes:
            p.stop()
