"""Alerts with one collector and viewers: only the collector posts the webhook, so one event
is one post however many screens watch; every viewer shows the rule firing (the states travel
with the data) and toasts it; a takeover after a SIGKILL does not post the same firing again."""

from __future__ import annotations

import json
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from deskwatch.sim import SimHandle
from tests.functional.role_procs import Probe, figures, wait_for
from tests.functional.test_roles_one_host import INTERVAL, write_config

SIM = {"history_days": 2, "speed": 20.0, "tickets": 400, "incremental_limit": 60}
SIM_PER_TEST = True


class Sink:
    """A webhook receiver on loopback that keeps every JSON body posted to it."""

    def __init__(self) -> None:
        posts: list[dict[str, Any]] = []
        self.posts = posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", 0))
                posts.append(json.loads(self.rfile.read(size)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kinds(self) -> list[str]:
        return [p["event"] for p in self.posts]


def firing(probe: Probe) -> bool:
    data = probe.seen("data")
    return bool(data) and data[-1]["firing"] == ["tickets.created.today"]


def test_one_post_per_event_with_a_collector_and_viewers(sim: SimHandle, tmp_path: Path):
    sink = Sink()
    config = write_config(sim, tmp_path / "config.toml")
    with config.open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[alerts]\nwebhook_url = "{sink.url}"\n\n'
            '[[alerts.rules]]\nkpi = "tickets.created.today"\nabove = 0\n'
        )
    state = tmp_path / "state"
    first = Probe(config, state)
    probes = [first]
    try:
        wait_for(lambda: first.role == "collector", 20, "the first process collects")
        viewers = [Probe(config, state) for _ in range(3)]
        probes += viewers
        wait_for(lambda: all(firing(v) for v in viewers), 60, "every viewer shows the rule firing")
        time.sleep(2 * INTERVAL)  # every process has evaluated several data by now
        assert sink.kinds() == ["firing"], sink.posts  # one post, not one per process
        assert sink.posts[0]["kpi"] == "tickets.created.today"

        # a viewer that was up when it fired toasts it too (states travel with the data)
        late = Probe(config, state)
        probes.append(late)
        wait_for(lambda: firing(late), 30, "a late viewer shows the firing rule")
        assert not late.seen("alerts"), "a late viewer toasted an old firing"

        # the collector dies: the new one resumes the states, no second post of the firing
        before = {v.pid: len(figures(v)) for v in viewers}
        first.signal(signal.SIGKILL)
        new = wait_for(
            lambda: next((v for v in viewers if v.role == "collector"), None), 10, "takeover"
        )
        rest = [v for v in viewers if v is not new]
        wait_for(lambda: all(len(figures(v)) > before[v.pid] for v in rest), 30, "data again")
        time.sleep(2 * INTERVAL)
        assert sink.kinds() == ["firing"], sink.posts
        assert all(firing(v) for v in rest)
    finally:
        for p in probes:
            p.stop()
        sink.server.shutdown()
