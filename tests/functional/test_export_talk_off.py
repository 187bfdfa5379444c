"""Talk switched off on the account (403 on every Talk endpoint): ``export`` still exports every
ticket figure, with ``talk: null`` and one warning line, instead of failing as a whole; when Talk
comes back the next export has its figures again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SIM = dict(
    seed=11,
    speed=0,
    history_days=20,
    tickets=300,
    calls=100,
    agents=6,
    incremental_limit=100_000,  # the client goes as fast as the simulator allows
    account_limit=100_000,
    live=False,
)
NOW = "2026-11-30T12:00:00+00:00"


def export(config: Path, state: Path) -> tuple[int, dict[str, Any] | None, str]:
    done = subprocess.run(
        [sys.executable, "-m", "deskwatch", "export", "--config", str(config),
         "--state-dir", str(state), "--now", NOW],
        capture_output=True,
        timeout=240,
    )  # fmt: skip
    out = json.loads(done.stdout) if done.returncode == 0 else None
    return done.returncode, out, done.stderr.decode()


def test_talk_off_exports_the_ticket_figures_with_talk_null(sim: Any, tmp_path: Path) -> None:
    config = tmp_path / "deskwatch.toml"
    config.write_text(sim.config_toml())
    config.chmod(0o600)
    sim.set_faults(talk_enabled=False)
    try:
        code, off, err = export(config, tmp_path / "state")
    finally:
        sim.set_faults(talk_enabled=True)
    assert code == 0, err  # exit 1 with the Talk error before
    assert off is not None and off["talk"] is None
    assert off["tickets"]["created"]["window"] > 0
    warnings = [line for line in err.splitlines() if "Talk" in line]
    assert len(warnings) == 1 and warnings[0].startswith("deskwatch: warning: ")
    assert "talk: null" in warnings[0]
    code, back, err = export(config, tmp_path / "state")  # Talk is back
    assert code == 0, err
    assert back is not None and back["talk"] is not None
    assert back["tickets"] == off["tickets"]
