"""Config: every error class is one line naming the key, the value found and what is expected."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import platformdirs
import pytest

from deskwatch.config import (
    ConfigError,
    Secret,
    build_config,
    declared_keys,
    default_config_path,
    env_overrides,
    load_config,
)

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
[zendesk]
subdomain = "acme"
[zendesk.auth]
method = "oauth"
access_token = "tok-SECRET-123"
"""


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def error_of(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env or {})
    message = str(info.value)
    assert "\n" not in message
    return message


def test_good_file_loads_with_defaults(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD), {})
    assert cfg.zendesk.base_url == "https://acme.zendesk.com"
    assert cfg.zendesk.auth.access_token.reveal() == "tok-SECRET-123"
    assert cfg.poll.live == 10 and cfg.poll.incremental == 60 and cfg.poll.reference == 900
    assert cfg.kpis.window_days == 30 and cfg.kpis.time_basis == "calendar"
    assert cfg.escalation.tags == ("escalated",) and cfg.escalation.priorities == ("urgent",)
    assert cfg.state.dir == platformdirs.user_state_path("deskwatch")
    assert cfg.warnings == ()


def test_url_wins_over_subdomain(tmp_path: Path) -> None:
    cfg = load_config(
        write(
            tmp_path,
            GOOD.replace(
                'subdomain = "acme"', 'subdomain = "acme"\nurl = "http://127.0.0.1:8765/"'
            ),
        ),
        {},
    )
    assert cfg.zendesk.base_url == "http://127.0.0.1:8765"


def test_exports_per_minute_above_30_only_against_a_loopback_url(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, GOOD), {}).budget.exports_per_minute == 10
    high_volume = load_config(write(tmp_path, GOOD + "[budget]\nexports_per_minute = 30"), {})
    assert high_volume.budget.exports_per_minute == 30
    for url in ("http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:2"):
        text = GOOD.replace('subdomain = "acme"', f'url = "{url}"')
        cfg = load_config(write(tmp_path, text + "[budget]\nexports_per_minute = 6000"), {})
        assert cfg.budget.exports_per_minute == 6000, url
    # an https URL that is not loopback is a real account: 30 at most
    text = GOOD.replace('subdomain = "acme"', 'url = "https://support.acme.com"')
    message = error_of(tmp_path, text + "[budget]\nexports_per_minute = 31")
    assert "budget.exports_per_minute: found 31, expected at most 30" in message
    message = error_of(tmp_path, GOOD + "[budget]\nexports_per_minute = 20000000")
    assert "budget.exports_per_minute: found 20000000, expected a number from 1 to 30" in message


def _example_keys(table: dict[str, object], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, value in table.items():
        if isinstance(value, dict) and name != "keys":
            keys |= _example_keys(value, f"{prefix}{name}.")
        elif name != "keys":
            keys.add(f"{prefix}{name}")
    return keys


def test_example_config_is_valid_and_documents_every_declared_key_and_no_other() -> None:
    example = ROOT / "config.example.toml"
    text = example.read_text()
    cfg = load_config(example, {"ZENDESK_OAUTH_TOKEN": "x"})
    assert cfg.zendesk.subdomain == "acme"
    declared = {key for key, _ in declared_keys()}
    assert _example_keys(tomllib.loads(text)) == declared
    for key in declared:
        name = key.rsplit(".", 1)[1]
        line = next((ln for ln in text.splitlines() if ln.strip().startswith(f"{name} ")), None)
        assert line is not None and "#" in line, f"{key} has no comment in config.example.toml"
    assert "[keys]" in text


def test_each_key_is_declared_once_with_its_check_and_environment_variable() -> None:
    declared = dict(declared_keys())
    assert len(declared) == 47
    assert env_overrides() == {
        "ZENDESK_SUBDOMAIN": "zendesk.subdomain",
        "ZENDESK_URL": "zendesk.url",
        "ZENDESK_OAUTH_TOKEN": "zendesk.auth.access_token",
        "ZENDESK_REFRESH_TOKEN": "zendesk.auth.refresh_token",
        "ZENDESK_CLIENT_ID": "zendesk.auth.client_id",
        "ZENDESK_CLIENT_SECRET": "zendesk.auth.client_secret",
        "ZENDESK_EMAIL": "zendesk.auth.email",
        "ZENDESK_API_TOKEN": "zendesk.auth.api_token",
        "DESKWATCH_WEBHOOK_URL": "alerts.webhook_url",
    }
    # the declared default of every key passes its own check
    cfg = build_config({}, {}, require_account=False)
    for key, f in declared.items():
        value = cfg
        for part in key.split("."):
            value = getattr(value, part)
        raw = value.reveal() if isinstance(value, Secret) else value
        raw = list(raw) if isinstance(raw, tuple) else raw
        raw = "" if key == "state.dir" else raw
        assert f.metadata["check"](raw) is None, key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[poll]\nlvie = 5", "poll.lvie: unknown key; did you mean poll.live?"),
        ("[pol]\nlive = 5", "[pol]: unknown section; did you mean poll?"),
        ('[poll]\nlive = "fast"', 'poll.live: found "fast", expected a number from 1 to 86400'),
        ("[poll]\nlive = -5", "poll.live: found -5, expected a number from 1 to 86400 (seconds)"),
        ("[poll]\nlive = true", "poll.live: found true, expected a number from 1 to 86400"),
        ("[sync]\nhistory_days = 9.5", "sync.history_days: found 9.5, expected a whole number"),
        (
            '[kpis]\ntime_basis = "biz"',
            'kpis.time_basis: found "biz", expected one of "calendar", "business"',
        ),
        ("[budget]\nshare = 2", "budget.share: found 2, expected a number from 0.01 to 1"),
        (
            "[budget]\nexports_per_minute = 0",
            "budget.exports_per_minute: found 0, expected a number from 1 to 30",
        ),
        (
            "[budget]\nexports_per_minute = 60",
            "budget.exports_per_minute: found 60, expected at most 30 (Zendesk allows 10 "
            "incremental exports a minute, 30 with the High Volume API add-on",
        ),
        (
            '[escalation]\ntags = "escalated"',
            'escalation.tags: found "escalated", expected a list of strings',
        ),
        ('[talk]\nenabled = "yes"', 'talk.enabled: found "yes", expected true or false'),
        (
            "[kpis]\nwindow_days = 60\n[sync]\nhistory_days = 30",
            "kpis.window_days: found 60, expected at most sync.history_days (30)",
        ),
        (
            '[zendesk]\nsubdomain = "Acme Corp"',
            'zendesk.subdomain: found "Acme Corp", expected a Zendesk subdomain',
        ),
        ('[zendesk]\nurl = "ftp://x"', 'zendesk.url: found "ftp://x", expected a base URL'),
        ("poll = 3", "poll: found 3, expected a table"),
    ],
)
def test_value_errors_name_key_found_and_expected(tmp_path: Path, text: str, expected: str) -> None:
    if text.startswith("[zendesk]"):  # replaces the account section
        text = text + "\n[zendesk.auth]\naccess_token='t'"
    elif not text.startswith("["):  # a top-level key must come before any table
        text = text + "\n" + GOOD
    else:
        text = GOOD + "\n" + text
    message = error_of(tmp_path, text)
    assert expected in message
    assert str(tmp_path / "config.toml") in message


def test_unknown_timezone_suggests_the_closest(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + '\n[account]\ntimezone = "Europe/Pariss"')
    assert 'account.timezone: found "Europe/Pariss", expected an IANA time zone name' in message
    assert 'did you mean "Europe/Paris"?' in message


@pytest.mark.parametrize(
    ("auth", "missing"),
    [
        ('method = "oauth"', "zendesk.auth.access_token: missing"),
        (
            'method = "oauth_client_credentials"\nclient_secret = "s"',
            "zendesk.auth.client_id: missing",
        ),
        (
            'method = "oauth_client_credentials"\nclient_id = "c"',
            "zendesk.auth.client_secret: missing",
        ),
        ('method = "api_token"\napi_token = "t"', "zendesk.auth.email: missing"),
        ('method = "api_token"\nemail = "a@b.c"', "zendesk.auth.api_token: missing"),
        ('access_token = "a"\nrefresh_token = "r"', "zendesk.auth.client_id: missing"),
    ],
)
def test_missing_credential_for_method(tmp_path: Path, auth: str, missing: str) -> None:
    message = error_of(tmp_path, f'[zendesk]\nsubdomain = "acme"\n[zendesk.auth]\n{auth}')
    assert missing in message


def test_missing_account(tmp_path: Path) -> None:
    message = error_of(tmp_path, "[poll]\nlive = 5")
    assert "zendesk.subdomain: missing" in message


def test_bad_toml_is_one_line(tmp_path: Path) -> None:
    assert "not valid TOML" in error_of(tmp_path, "[poll\nlive = ")


def test_explicit_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", {})


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    env = {
        "ZENDESK_URL": "http://127.0.0.1:9999",
        "ZENDESK_OAUTH_TOKEN": "from-env",
    }
    cfg = load_config(write(tmp_path, GOOD), env)
    assert cfg.zendesk.base_url == "http://127.0.0.1:9999"
    assert cfg.zendesk.auth.access_token.reveal() == "from-env"


def test_environment_alone_is_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "deskwatch.config.load.default_config_path", lambda env=None: tmp_path / "none.toml"
    )
    cfg = load_config(None, {"ZENDESK_SUBDOMAIN": "envco", "ZENDESK_OAUTH_TOKEN": "t"})
    assert cfg.zendesk.base_url == "https://envco.zendesk.com"
    assert cfg.source is None
    with pytest.raises(ConfigError, match=r"config file not found; copy config\.example\.toml"):
        load_config(None, {"ZENDESK_OAUTH_TOKEN": "t"})


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD, {"ZENDESK_SUBDOMAIN": "Not Valid"})
    assert message.startswith("ZENDESK_SUBDOMAIN (for zendesk.subdomain)")


def test_api_token_credentials_from_env(tmp_path: Path) -> None:
    text = '[zendesk]\nsubdomain = "acme"\n[zendesk.auth]\nmethod = "api_token"\n'
    cfg = load_config(write(tmp_path, text), {"ZENDESK_EMAIL": "a@b.c", "ZENDESK_API_TOKEN": "zzz"})
    assert cfg.zendesk.auth.email == "a@b.c"
    assert cfg.zendesk.auth.api_token.reveal() == "zzz"


def test_secrets_never_in_repr_or_errors(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD), {})
    assert "tok-SECRET-123" not in repr(cfg)
    assert "tok-SECRET-123" not in str(cfg.zendesk.auth)
    assert repr(Secret("abc")) == "Secret('***')"
    # A secret with a wrong type is reported without its value.
    message = error_of(
        tmp_path, '[zendesk]\nsubdomain = "acme"\n[zendesk.auth]\naccess_token = 12345'
    )
    assert "12345" not in message and "access_token: found a secret (hidden)" in message


def test_world_readable_secret_file_warns(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD, mode=0o644), {})
    assert len(cfg.warnings) == 1
    assert "readable by its group and others" in cfg.warnings[0]
    assert "chmod 600" in cfg.warnings[0]
    assert "tok-SECRET-123" not in cfg.warnings[0]


def test_default_path_resolution(tmp_path: Path) -> None:
    assert (
        default_config_path({"DESKWATCH_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    )
    assert default_config_path({}) == platformdirs.user_config_path("deskwatch") / "config.toml"


def test_state_dir_precedence(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + f'\n[state]\ndir = "{tmp_path / "s"}"')
    assert load_config(path, {}).state.dir == tmp_path / "s"
    assert load_config(path, {}, state_dir=tmp_path / "o").state.dir == tmp_path / "o"


def test_keys_table_must_hold_strings(tmp_path: Path) -> None:
    assert "keys.refresh: found 5" in error_of(tmp_path, GOOD + "\n[keys]\nrefresh = 5")
    cfg = load_config(write(tmp_path, GOOD + '\n[keys]\nrefresh = "f5"'), {})
    assert cfg.keys == {"refresh": "f5"}


def test_build_config_without_account() -> None:
    cfg = build_config({}, {}, require_account=False)
    assert cfg.targets.csat == 0.85


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "DESKWATCH_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "deskwatch", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
    )


def test_cli_version() -> None:
    from deskwatch import __version__

    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"deskwatch {__version__}"


def test_cli_config_error_exits_2_without_traceback(tmp_path: Path) -> None:
    from deskwatch.cli import COMMAND_MODULES

    if "export" not in COMMAND_MODULES and "run" not in COMMAND_MODULES:
        pytest.skip("no subcommand that reads the config yet")
    command = "export" if "export" in COMMAND_MODULES else "run"
    path = write(tmp_path, GOOD + "\n[poll]\nlvie = 5")
    result = run_cli(command, "--config", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "poll.lvie: unknown key; did you mean poll.live?" in lines[0]
