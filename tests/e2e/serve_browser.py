"""``make e2e``: ``deskwatch serve`` in headless Chromium against the simulator.

Starts the simulator, ``deskwatch serve`` on a loopback port (its collector child polls), opens
two browser tabs through the Chrome DevTools protocol, screenshots the first one, and checks that
the tabs add no API requests: each tab runs a ``deskwatch run --viewer`` session, and while the
collector is stopped (SIGSTOP) the simulator sees no request at all. Prints one JSON line;
exit status 1 when a check fails. Not part of ``make test`` (it needs Debian's chromium).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from deskwatch.live.broker import LocalBroker
from deskwatch.sim import SimHandle, start_simulator

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: Any, timeout: float, message: str) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"e2e: timed out after {timeout:g} s: {message}")


def requests(sim: SimHandle) -> int:
    return int(httpx.get(f"{sim.url}/__sim/state").json()["requests"])


def sessions(serve_pid: int) -> list[int]:
    """Pids of the ``deskwatch run --viewer`` sessions textual-serve started (any depth)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--viewer" in cmd and b"run" in cmd and b"deskwatch" in cmd:
            found.append(int(entry.name))
    return found


async def devtools(port: int, page_url: str, tabs: int, shot: Path, settle: float) -> None:
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        targets = []
        for _ in range(tabs):
            async with http.put(f"{base}/json/new?{page_url}") as response:
                targets.append(await response.json())
        await asyncio.sleep(settle)
        async with http.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            await ws.send_json({"id": 1, "method": "Page.captureScreenshot"})
            async for message in ws:
                body = json.loads(message.data)
                if body.get("id") == 1:
                    shot.write_bytes(base64.b64decode(body["result"]["data"]))
                    return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "e2e-out")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="deskwatch-e2e-"))
    sim = start_simulator(history_days=3, speed=20.0, incremental_limit=60)
    config = tmp / "config.toml"
    config.write_text(
        sim.config_toml() + "\n[poll]\nlive = 2\nincremental = 4\n\n[sync]\nhistory_days = 4\n"
        "\n[kpis]\nwindow_days = 3\n",
        encoding="utf-8",
    )
    config.chmod(0o600)
    state = tmp / "state"
    port, debug_port = free_port(), free_port()
    common = ["--config", str(config), "--state-dir", str(state)]
    serve = subprocess.Popen(
        [sys.executable, "-m", "deskwatch", "serve", "--port", str(port), *common],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(args.out / "serve.log").open("w"),
    )
    browser: subprocess.Popen[bytes] | None = None
    result: dict[str, Any] = {"name": "serve_browser"}
    try:
        broker = LocalBroker(state, sim.url)
        wait_for(broker.path("data").exists, 120, "the collector publishes a snapshot")
        collector = wait_for(broker.holder, 10, "the collector names itself")
        collector_pid = int(collector.split()[1])
        browser = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={args.width},{args.height}",
                f"--remote-debugging-port={debug_port}",
                f"--user-data-dir={tmp / 'chromium'}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _up(debug_port), 30, "chromium's DevTools endpoint")
        shot = args.out / "serve-operations.png"
        asyncio.run(devtools(debug_port, f"http://127.0.0.1:{port}/", 2, shot, 12.0))
        viewers = sessions(serve.pid)
        result["browser_sessions"] = len(viewers)
        os.kill(collector_pid, signal.SIGSTOP)
        try:
            time.sleep(0.5)
            before = requests(sim)
            time.sleep(4.0)
            result["requests_while_collector_stopped"] = requests(sim) - before
        finally:
            os.kill(collector_pid, signal.SIGCONT)
        result["screenshot"] = str(shot)
        result["ok"] = (
            result["browser_sessions"] == 2 and result["requests_while_collector_stopped"] == 0
        )
        print(json.dumps(result))
        return 0 if result["ok"] else 1
    finally:
        if browser is not None:
            browser.terminate()
            browser.wait(timeout=20)
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()
        sim.stop()


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/json/version", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    sys.exit(main())
