"""No credential ever reaches a byte deskwatch writes (issue 16): the app (headless), export
(file and stdout, OAuth and API token), check, an auth failure and the DESKWATCH_DEBUG traceback
(a bug whose message holds the whole config)
run against the simulator with known secrets; the state dir, every output, stdout, stderr and
the app's screen and notifications are scanned for each secret and the Basic header."""

from __future__ import annotations

import base64
import functools
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from deskwatch.app import DeskwatchApp
from deskwatch.cli import main
from deskwatch.config import build_config
from deskwatch.live.source import LiveSource
from deskwatch.zendesk import ZendeskClient

TOKEN = "dw-access-SECRET-5c1e9a7f3b"
SIM = dict(
    seed=5, speed=0, history_days=10, tickets=300, calls=60, agents=5, live=False, token=TOKEN,
    incremental_limit=100_000, account_limit=100_000,  # the client goes as fast as it may
)  # fmt: skip
SIM_PER_TEST = True  # the app test revokes the tokens
SETTINGS = "\n[sync]\nhistory_days = 10\n[kpis]\nwindow_days = 7\n"


def secrets(sim: Any) -> dict[str, bytes]:
    basic = base64.b64encode(f"{sim.email}/token:{sim.api_token}".encode())
    found = {
        "access token": sim.access_token.encode(),
        "refresh token": sim.refresh_token.encode(),
        "client secret": sim.client_secret.encode(),
        "api token": sim.api_token.encode(),
        "basic header": basic,
    }
    assert found["access token"] == TOKEN.encode()
    return found


def leaks(sim: Any, blobs: dict[str, bytes]) -> list[str]:
    return [
        f"{what} in {where}"
        for where, blob in blobs.items()
        for what, secret in secrets(sim).items()
        if secret in blob
    ]


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def config_file(sim: Any, tmp_path: Path, method: str, **kw: Any) -> Path:
    path = tmp_path / f"{method}.toml"
    path.write_text(sim.config_toml(method, **kw) + SETTINGS)
    path.chmod(0o600)
    return path


def deskwatch(
    *args: str, debug: bool = False, code: str = ""
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, DESKWATCH_DEBUG="1") if debug else None
    argv = ["-c", code, *args] if code else ["-m", "deskwatch", *args]
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, env=env, timeout=120, check=False
    )


CRASH = """
import sys
import deskwatch.commands.export as export
from deskwatch.cli import main

def boom(frames, cfg, now, *more):
    raise RuntimeError(f"simulated bug with {cfg!r} {cfg.zendesk.auth!r}")

export.compute_snapshot = boom
sys.exit(main(sys.argv[1:]))
"""


def test_cli_commands_never_write_a_secret(
    sim: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # exports run in-process with the simulator's export limit (a subprocess would wait out
    # Zendesk's 10 exports a minute); check and the debug traceback run as real processes
    monkeypatch.setattr(
        "deskwatch.zendesk.ZendeskClient",
        functools.partial(ZendeskClient, incremental_per_minute=1000),
    )
    oauth = config_file(sim, tmp_path, "oauth", refresh=True)
    api = config_file(sim, tmp_path, "api_token")
    state = tmp_path / "state"
    out = tmp_path / "out"
    out.mkdir()
    blobs: dict[str, bytes] = {}
    common = ["--state-dir", str(state)]

    def export(name: str, config: Path, *args: str) -> tuple[int, str]:
        code = main(["export", "--config", str(config), *common, *args])
        captured = capfd.readouterr()
        blobs[f"{name} stdout"] = captured.out.encode()
        blobs[f"{name} stderr"] = captured.err.encode()
        return code, captured.err

    assert export("export json", oauth, "--output", str(out / "k.json"))[0] == 0
    code, err = export("export csv (api token)", api, "--format", "csv")
    assert code == 0 and "2027-04-30" in err  # API tokens retire: export says so as check does
    runs = {
        "check": deskwatch("check", "--config", str(oauth), *common),
        "check (api token)": deskwatch("check", "--config", str(api)),
        "debug traceback": deskwatch(
            "export", "--config", str(oauth), *common, "--no-sync", debug=True, code=CRASH
        ),
    }
    for name, run in runs.items():
        blobs[f"{name} stdout"] = run.stdout
        blobs[f"{name} stderr"] = run.stderr
    assert runs["check"].returncode == 0, runs["check"].stdout
    assert b"2027-04-30" in runs["check (api token)"].stdout
    assert b"Traceback" in runs["debug traceback"].stderr
    assert b"simulated bug with Config(" in runs["debug traceback"].stderr
    sim.revoke_tokens()
    code, err = export("export after revoke", oauth)
    assert (code == 1 and "rejected" in err) or "refused" in err, err
    assert "next poll" not in err  # there is no next poll in export
    blobs.update({f"state/{k}": v for k, v in files_under(state).items()})
    blobs.update({f"out/{k}": v for k, v in files_under(out).items()})
    assert leaks(sim, {"probe": b"x" + secrets(sim)["basic header"]}) == ["basic header in probe"]
    assert "state/manifest.json" in blobs and "out/k.json" in blobs
    assert leaks(sim, blobs) == []


async def test_the_app_never_shows_or_writes_a_secret(sim: Any, tmp_path: Path, capfd: Any) -> None:
    data = tomllib.loads(sim.config_toml("oauth", refresh=True) + SETTINGS)
    cfg = build_config(data, env={}, state_dir=tmp_path / "state")
    client = ZendeskClient(cfg, max_attempts=2)
    source = LiveSource(cfg, tmp_path / "state", client=client)
    app = DeskwatchApp(cfg, source)
    screens: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(300):
            if app.data is not None and not app.data.stale:
                break
            await pilot.pause(0.1)
        assert app.data is not None
        screens.append(app.export_screenshot())
        sim.revoke_tokens()
        await pilot.press("r")
        for _ in range(100):
            if any("rejected" in n.message or "refused" in n.message for n in app._notifications):
                break
            await pilot.pause(0.1)
        screens.append(app.export_screenshot())
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        screens.append(app.export_screenshot())
        notes = [n.message for n in app._notifications]
        assert notes, "the auth failure was not shown"
        await pilot.press("escape", "q")
    captured = capfd.readouterr()
    blobs = {f"screen {i}": s.encode() for i, s in enumerate(screens)}
    blobs["notifications"] = "\n".join(notes).encode()
    blobs["status"] = repr(client.status).encode() + repr(source).encode() + repr(cfg).encode()
    blobs["stdout"] = captured.out.encode()
    blobs["stderr"] = captured.err.encode()
    blobs.update(files_under(tmp_path))  # the state dir, the XDG dirs, anything else written
    assert any(name.startswith("state/") and name.endswith(".parquet") for name in blobs)
    assert leaks(sim, blobs) == []
