"""`deskwatch [run]` and `deskwatch demo` from the command line: errors before the screen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def deskwatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskwatch", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_run_is_the_default_command_and_a_missing_config_is_one_line_exit_2(
    tmp_path: Path,
) -> None:
    result = deskwatch("--config", str(tmp_path / "nope.toml"), "--wall")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "nope.toml: config file not found" in result.stderr


def test_unknown_key_binding_id_is_a_config_error_before_the_app_starts(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[zendesk]\nurl = "http://127.0.0.1:9"\n[zendesk.auth]\n'
                   'access_token = "t"\n[keys]\nrefesh = "f5"\n')  # fmt: skip
    cfg.chmod(0o600)
    result = deskwatch("run", "--config", str(cfg))
    assert result.returncode == 2
    assert result.stderr.startswith(f"deskwatch: config error: {cfg}: keys.refesh: unknown binding")
    assert result.stderr.count("\n") == 1


def test_unknown_theme_is_a_config_error_with_a_suggestion(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[zendesk]\nurl = "http://127.0.0.1:9"\n[zendesk.auth]\n'
                   'access_token = "t"\n[display]\ntheme = "dracla"\n')  # fmt: skip
    cfg.chmod(0o600)
    result = deskwatch("--config", str(cfg))
    assert result.returncode == 2
    assert 'did you mean "dracula"?' in result.stderr
    assert result.stderr.count("\n") == 1


def test_demo_rejects_a_bad_speed_in_one_line() -> None:
    result = deskwatch("demo", "--speed", "fast")
    assert result.returncode == 2
    assert result.stderr == "deskwatch: --speed must be a number, got 'fast'\n"


def test_help_lists_the_commands_in_order() -> None:
    out = deskwatch("--help").stdout
    positions = [out.index(f"    {name} ") for name in ("run", "demo", "sim", "export")]
    assert positions == sorted(positions)
