"""``deskwatch sim`` in a subprocess: prints a usable config, serves, exits cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import tomllib

import httpx
import pytest


def start(*flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "deskwatch", "sim", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_prints_config_serves_and_stops_on_ctrl_c() -> None:
    proc = start("--port", "0", "--history-days", "3", "--tickets", "300", "--token", "tok-123")
    assert proc.stdout is not None and proc.stderr is not None
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Serving until Ctrl-C"):
                break
        text = "".join(lines)
        block = text[text.index("[zendesk]") : text.index("Serving")]
        config = tomllib.loads(block)
        url = config["zendesk"]["url"]
        assert url.startswith("http://127.0.0.1:")
        assert config["zendesk"]["auth"] == {"method": "oauth", "access_token": "tok-123"}
        me = httpx.get(f"{url}/api/v2/users/me.json", headers={"Authorization": "Bearer tok-123"})
        assert me.status_code == 200 and me.json()["user"]["role"] == "admin"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--speed", "fast"], "--speed must be a number"),
        (["--plan", "gold"], "--plan must be one of"),
        (["--faults", "some"], "--faults must be one of"),
        (["--fault", "retry_after_form=rfc"], "--fault retry_after_form must be seconds or date"),
        (["--port", "70000"], "--port must be between"),
        (["--history-days", "0"], "--history-days must be between"),
        (["--page-size", "calls"], "--page-size expects STREAM=N"),
        (["--page-size", "queue=5"], "--page-size expects STREAM=N with STREAM one of"),
        (["--page-size", "calls=0"], "--page-size calls must be between 1"),
        (["--page-size", "legs=many"], "--page-size legs must be a whole number"),
    ],
)
def test_bad_flags_one_line_exit_2(flags: list[str], needle: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "deskwatch", "sim", *flags],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("method", ["oauth", "oauth_client_credentials", "api_token"])
def test_config_block_is_a_valid_deskwatch_config(method: str) -> None:
    from deskwatch.config import build_config
    from deskwatch.sim import start_simulator

    with start_simulator(history_days=2, tickets=50, calls=10, live=False) as sim:
        cfg = build_config(tomllib.loads(sim.config_toml(method)), env={})
    assert cfg.zendesk.base_url == sim.url
    assert cfg.zendesk.auth.method == method
