"""Collectors and viewers on several "hosts" (separate state dirs) over a real nats-server.

One collector polls for all of them; a viewer started late gets the current snapshot at once;
after a SIGKILL another host's process takes the lease over once it lapses; a broker restart
is survived (viewers say the broker is unreachable meanwhile, the collector keeps polling);
no Zendesk credential is ever seen on the broker.
"""

from __future__ import annotations

import base64
import signal
import time
from pathlib import Path

import pytest

from deskwatch.bench.nats_server import NatsServer, Recorder, nats_binary
from deskwatch.sim import SimHandle
from tests.functional.role_procs import Probe, figures, wait_for
from tests.functional.test_roles_one_host import INTERVAL, requests, write_config

pytestmark = pytest.mark.skipif(nats_binary() is None, reason="no nats-server binary")

SIM = {"history_days": 2, "speed": 20.0, "tickets": 500, "incremental_limit": 60}
SIM_PER_TEST = True


def test_one_collector_across_hosts_lease_takeover_late_viewer_broker_restart(
    sim: SimHandle, tmp_path: Path
):
    server = NatsServer(tmp_path / "nats")
    server.start()
    recorder = Recorder(server.url)
    config = write_config(sim, tmp_path / "config.toml")
    with config.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[broker]\nurl = "{server.url}"\n')
    probes: list[Probe] = []

    def host(name: str) -> Probe:
        probe = Probe(config, tmp_path / name)
        probes.append(probe)
        return probe

    try:
        first = host("a")
        wait_for(lambda: first.role == "collector", 20, "host a collects")
        others = [host("b"), host("c")]
        wait_for(lambda: all(figures(p) for p in others), 60, "hosts b and c show data")
        assert [p.role for p in others] == ["viewer", "viewer"]

        # only the collector asks the simulator anything
        first.signal(signal.SIGSTOP)  # for less than the lease's 5 s
        time.sleep(0.5)
        before = requests(sim)
        time.sleep(INTERVAL + 0.5)
        assert requests(sim) == before, "a viewer on another host polled"
        first.signal(signal.SIGCONT)

        # a viewer started late gets the current snapshot at once
        late = host("d")
        wait_for(lambda: figures(late), 30, "the late viewer shows data")
        started = late.seen("role")[0]["t"]  # its node runs (Python and imports are up)
        assert late.seen("data")[0]["t"] - started < 2.0  # connect, watch: the latest at once

        # SIGKILL: the lease lapses and one of the others takes it over
        shown = {p.pid: len(figures(p)) for p in [*others, late]}
        first.signal(signal.SIGKILL)
        new = wait_for(
            lambda: next((p for p in [*others, late] if p.role == "collector"), None),
            20,
            "another host takes the lease over",
        )
        rest = [p for p in [*others, late] if p is not new]
        wait_for(
            lambda: all(len(figures(p)) > shown[p.pid] for p in rest),
            60,
            "the viewers get data from the new collector",
        )
        for p in rest:
            assert figures(p) == sorted(figures(p)), "figures went back on takeover"

        # the broker restarts: viewers notice, the collector keeps polling, all recover
        server.stop()
        wait_for(lambda: all(p.seen("role")[-1]["down"] for p in rest), 15, "viewers see it down")
        during = requests(sim)
        time.sleep(2 * INTERVAL)
        assert requests(sim) > during, "the collector stopped polling with the broker down"
        count = {p.pid: len(p.seen("data")) for p in rest}
        server.start()
        wait_for(lambda: all(not p.seen("role")[-1]["down"] for p in rest), 30, "viewers reconnect")
        wait_for(
            lambda: all(len(p.seen("data")) > count[p.pid] for p in rest),
            30,
            "data flows again after the restart",
        )
        assert new.role == "collector" and [p.role for p in rest] == ["viewer", "viewer"]
    finally:
        for p in probes:
            p.stop()
        server.stop()
    # no Zendesk credential ever crossed the broker
    seen = b"".join(recorder.payloads())
    assert seen, "the recorder saw nothing"
    token = sim.access_token.encode()
    assert token not in seen
    assert base64.b64encode(token) not in seen
    assert b"Bearer" not in seen


def test_a_collector_starts_with_the_broker_down_and_publishes_when_it_is_back(
    sim: SimHandle, tmp_path: Path
):
    server = NatsServer(tmp_path / "nats")  # its port is chosen, nothing listens yet
    config = write_config(sim, tmp_path / "config.toml")
    with config.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[broker]\nurl = "{server.url}"\n')
    probes: list[Probe] = []
    try:
        a = Probe(config, tmp_path / "a")
        probes.append(a)
        wait_for(
            lambda: a.role == "collector" and a.seen("role")[-1]["down"],
            30,
            "host a collects, saying the broker is unreachable",
        )
        wait_for(lambda: figures(a), 60, "host a shows what it polled")
        server.start()
        wait_for(lambda: not a.seen("role")[-1]["down"], 30, "host a reaches the broker")
        b = Probe(config, tmp_path / "b")
        probes.append(b)
        wait_for(lambda: figures(b), 30, "another host shows the published data")
        # one collector between them (b may win the lease a reached for: a then steps back)
        wait_for(lambda: sorted([a.role, b.role]) == ["collector", "viewer"], 20, "one collector")
        time.sleep(2)
        assert sorted([a.role, b.role]) == ["collector", "viewer"]
    finally:
        for p in probes:
            p.stop()
        server.stop()
