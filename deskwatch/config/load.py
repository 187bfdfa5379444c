"""Reading the TOML file and the environment into a validated :class:`Config`.

Every problem becomes one ``ConfigError`` line, ``<where>: <key>: <problem>``; the whole
config is checked here (also ``[keys]`` and ``display.theme``), so every command refuses the
same bad file.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import Field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from deskwatch.config.checks import is_loopback_host
from deskwatch.config.keys import check_keymap
from deskwatch.config.model import (
    APP_NAME,
    EXPORTS_PER_MINUTE_MAX,
    Config,
    ConfigError,
    ZendeskConfig,
)
from deskwatch.config.rules import parse_rules
from deskwatch.config.text import clean, describe, did_you_mean

MAX_BYTES = 1 << 20  # a config file is a few kilobytes; refuse to parse anything huge

# method -> keys that must be set
REQUIRED_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "oauth": ("access_token",),
    "oauth_client_credentials": ("client_id", "client_secret"),
    "api_token": ("email", "api_token"),
}
SECRET_KEYS = ("access_token", "refresh_token", "client_secret", "api_token")


def _declared(cls: type) -> dict[str, Field[Any]]:
    return {f.name: f for f in fields(cls) if f.metadata}


def declared_keys(cls: type = Config, prefix: str = "") -> Iterator[tuple[str, Field[Any]]]:
    """Every config key as ``("section.key", field)``, sections expanded."""
    for name, f in _declared(cls).items():
        if "section" in f.metadata:
            yield from declared_keys(f.metadata["section"], f"{prefix}{name}.")
        elif "check" in f.metadata:
            yield f"{prefix}{name}", f


def env_overrides() -> dict[str, str]:
    """Environment variable -> the key it overrides, e.g. ZENDESK_URL -> zendesk.url."""
    return {f.metadata["env"]: key for key, f in declared_keys() if f.metadata.get("env")}


def _build(
    cls: type, data: Mapping[str, Any], prefix: str, where: str, env: Mapping[str, str]
) -> Any:
    """One table of the document as ``cls``: unknown names, wrong types and out-of-range
    values are ConfigErrors; environment variables override the file."""
    declared = _declared(cls)
    for name in data:
        if name not in declared:
            shown = clean(name, 64)
            if not prefix:
                sections = [n for n, f in declared.items() if "check" not in f.metadata]
                raise ConfigError(
                    f"{where}: [{shown}]: unknown section{did_you_mean(name, sections)}"
                )
            hint = did_you_mean(name, list(declared), f"; did you mean {prefix}{{}}?")
            raise ConfigError(f"{where}: {prefix}{shown}: unknown key{hint}")
    values: dict[str, Any] = {}
    for name, f in declared.items():
        key = f"{prefix}{name}"
        meta = f.metadata
        if "section" in meta:
            table = data.get(name, {})
            if not isinstance(table, dict):
                nested = f" [{key}]" if prefix else ""
                raise ConfigError(
                    f"{where}: {key}: found {describe(table)}, expected a table{nested}"
                )
            values[name] = _build(meta["section"], table, f"{key}.", where, env)
            continue
        if "rules" in meta:
            try:
                values[name] = parse_rules(data.get(name, []))
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
            continue
        if "keymap" in meta:
            table = data.get(name, {})
            if not isinstance(table, dict):
                raise ConfigError(f"{where}: {key}: found {describe(table)}, expected a table")
            try:
                values[name] = check_keymap(table)
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
            continue
        found = name in data
        value = data.get(name)
        var = meta["env"]
        origin = where
        if var and env.get(var):
            found, value, origin = True, env[var], f"{var} (for {key})"
        if not found:
            continue
        expected = meta["check"](value)
        if expected:
            masked = meta["mask"](value) if meta["mask"] and isinstance(value, str) else value
            shown = describe(masked, secret=meta["secret"])
            label = origin if origin != where else f"{where}: {key}"
            raise ConfigError(f"{label}: found {shown}, expected {expected}")
        values[name] = meta["convert"](value) if meta["convert"] else value
    return cls(**values)


def build_config(
    data: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    *,
    source: Path | None = None,
    require_account: bool = True,
    state_dir: Path | None = None,
    warnings: tuple[str, ...] = (),
) -> Config:
    """Validate a parsed TOML document (plus environment overrides) into a :class:`Config`."""
    env = os.environ if env is None else env
    where = clean(str(source)) if source else "config"
    cfg: Config = _build(Config, data, "", where, env)
    if require_account:
        _check_account(cfg.zendesk, where)
    _check_exports_per_minute(cfg, where)
    if cfg.kpis.window_days > cfg.sync.history_days:
        raise ConfigError(
            f"{where}: kpis.window_days: found {cfg.kpis.window_days}, expected at "
            f"most sync.history_days ({cfg.sync.history_days})"
        )
    state = cfg.state
    if state_dir is not None:
        state = type(state)(dir=state_dir)
    label = "--state-dir" if state_dir is not None else f"{where}: state.dir"
    if state.dir.exists() and not state.dir.is_dir():
        raise ConfigError(
            f"{label}: {clean(str(state.dir))} is a file, expected a directory (or a path "
            "deskwatch may create)"
        )
    return replace(cfg, state=state, source=source, warnings=warnings)


def _check_exports_per_minute(cfg: Config, where: str) -> None:
    """More than Zendesk's 30 incremental exports a minute only against a loopback URL (the
    simulator, or a test server): a real account would answer 429 to every extra request."""
    rate = cfg.budget.exports_per_minute
    if rate <= EXPORTS_PER_MINUTE_MAX:
        return
    host = urlsplit(cfg.zendesk.url).hostname if cfg.zendesk.url else None
    if host is not None and is_loopback_host(host):
        return
    raise ConfigError(
        f"{where}: budget.exports_per_minute: found {rate:g}, expected at most "
        f"{EXPORTS_PER_MINUTE_MAX} (Zendesk allows 10 incremental exports a minute, 30 with the "
        "High Volume API add-on; more only with a loopback zendesk.url such as the simulator)"
    )


def _check_account(zendesk: ZendeskConfig, where: str) -> None:
    if not zendesk.subdomain and not zendesk.url:
        raise ConfigError(
            f"{where}: zendesk.subdomain: missing, expected your Zendesk subdomain "
            "(or zendesk.url, ZENDESK_SUBDOMAIN or ZENDESK_URL)"
        )
    auth = zendesk.auth
    env_of = {key.rsplit(".", 1)[1]: var for var, key in env_overrides().items()}
    for key in REQUIRED_CREDENTIALS[auth.method]:
        if not getattr(auth, key):
            raise ConfigError(
                f"{where}: zendesk.auth.{key}: missing, expected a value for "
                f'method "{auth.method}" (in the file or {env_of[key]})'
            )
    if (
        auth.method == "oauth"
        and auth.refresh_token
        and not (auth.client_id and auth.client_secret)
    ):
        raise ConfigError(
            f"{where}: zendesk.auth.client_id: missing, expected client_id and "
            "client_secret to refresh the OAuth token (or remove refresh_token)"
        )


# --- the file -----------------------------------------------------------------------------


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$DESKWATCH_CONFIG``, else the platform's user config dir ``deskwatch/config.toml``."""
    env = os.environ if env is None else env
    if env.get("DESKWATCH_CONFIG"):
        return Path(env["DESKWATCH_CONFIG"]).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def _read(path: Path, where: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{where}: larger than {MAX_BYTES // 1024} KiB; is this the config file?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{where}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); "
            "save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {clean(str(exc), 200)}") from None
    except RecursionError:
        raise ConfigError(f"{where}: not valid TOML: arrays or tables nested too deeply") from None


def _permission_warning(path: Path, data: Mapping[str, Any]) -> tuple[str, ...]:
    """A warning when the file holds a secret and others can read or change it."""
    zendesk = data.get("zendesk")
    auth = zendesk.get("auth", {}) if isinstance(zendesk, dict) else {}
    if not isinstance(auth, dict) or not any(auth.get(k) for k in SECRET_KEYS):
        return ()
    mode = stat.S_IMODE(path.stat().st_mode)
    who = [
        name
        for name, bits in (("its group", stat.S_IRGRP), ("others", stat.S_IROTH))
        if mode & bits
    ]
    shown = clean(str(path))
    if who:
        return (
            f"{shown} holds a secret and is readable by {' and '.join(who)} (mode {mode:o}); "
            f"run: chmod 600 {shown}",
        )
    who = [
        name
        for name, bits in (("its group", stat.S_IWGRP), ("others", stat.S_IWOTH))
        if mode & bits
    ]
    if who:
        return (
            f"{shown} holds a secret and is writable by {' and '.join(who)} (mode {mode:o}): "
            f"they could redirect deskwatch and its credentials; run: chmod 600 {shown}",
        )
    return ()


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    require_account: bool = True,
    state_dir: Path | None = None,
) -> Config:
    """Read ``--config PATH``, else ``$DESKWATCH_CONFIG``, else the default path.

    An explicit path that does not exist is an error; a missing default file is an error only
    when ``require_account`` (nothing else can tell deskwatch which account to watch), unless the
    environment names the account.
    """
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get("DESKWATCH_CONFIG"))
    path = path if path is not None else default_config_path(env)
    where = clean(str(path))
    try:
        st: os.stat_result | None = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise ConfigError(f"{where}: cannot read: {reason}") from None
    data: dict[str, Any] = {}
    warnings: tuple[str, ...] = ()
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise ConfigError(
            f"{where}: is a directory, not a config file; pass the file's path "
            f"(e.g. {clean(str(path / 'config.toml'))})"
        )
    if st is not None:
        data = _read(path, where)
        warnings = _permission_warning(path, data)
    elif explicit or (
        require_account and not (env.get("ZENDESK_URL") or env.get("ZENDESK_SUBDOMAIN"))
    ):
        hint = "copy config.example.toml there" if not explicit else "check the path"
        raise ConfigError(f"{where}: config file not found; {hint} (or try: deskwatch demo)")
    return build_config(
        data,
        env,
        source=path if st is not None else None,
        require_account=require_account,
        state_dir=state_dir,
        warnings=warnings,
    )
