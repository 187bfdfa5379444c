"""Configuration: TOML file + environment, validated into frozen objects.

Every problem becomes one ``ConfigError`` line that names the key, what was found and
what is expected. Secrets are wrapped in :class:`Secret` so they never reach a repr,
a log line or an error message.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import platformdirs

APP_NAME = "deskwatch"
AUTH_METHODS = ("oauth", "oauth_client_credentials", "api_token")
TIME_BASES = ("calendar", "business")


class ConfigError(Exception):
    """A configuration problem, worded as one line for the user."""


@dataclass(frozen=True)
class Secret:
    """A credential. Its value is only reachable through :meth:`reveal`."""

    _value: str = field(default="", repr=False)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True)
class AuthConfig:
    method: str = "oauth"
    access_token: Secret = Secret()
    refresh_token: Secret = Secret()
    client_id: str = ""
    client_secret: Secret = Secret()
    email: str = ""
    api_token: Secret = Secret()


@dataclass(frozen=True)
class ZendeskConfig:
    subdomain: str = ""
    url: str = ""
    auth: AuthConfig = AuthConfig()

    @property
    def base_url(self) -> str:
        """The API root without a trailing slash: ``url`` wins over ``subdomain``."""
        if self.url:
            return self.url.rstrip("/")
        return f"https://{self.subdomain}.zendesk.com"


@dataclass(frozen=True)
class AccountConfig:
    timezone: str = "UTC"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class SyncConfig:
    history_days: int = 90


@dataclass(frozen=True)
class PollConfig:
    live: float = 10
    incremental: float = 60
    reference: float = 900


@dataclass(frozen=True)
class KpiConfig:
    window_days: int = 30
    time_basis: str = "calendar"


@dataclass(frozen=True)
class EscalationConfig:
    tags: tuple[str, ...] = ("escalated",)
    priorities: tuple[str, ...] = ("urgent",)


@dataclass(frozen=True)
class TalkConfig:
    enabled: bool = True


@dataclass(frozen=True)
class DisplayConfig:
    theme: str = "textual-dark"
    rotate_seconds: float = 30


@dataclass(frozen=True)
class TargetsConfig:
    first_reply_minutes: float = 60
    full_resolution_minutes: float = 1440
    csat: float = 0.85
    answer_seconds: float = 30


@dataclass(frozen=True)
class BudgetConfig:
    share: float = 0.25


@dataclass(frozen=True)
class StateConfig:
    dir: Path = field(default_factory=lambda: platformdirs.user_state_path(APP_NAME))


@dataclass(frozen=True)
class Config:
    zendesk: ZendeskConfig = ZendeskConfig()
    account: AccountConfig = AccountConfig()
    sync: SyncConfig = SyncConfig()
    poll: PollConfig = PollConfig()
    kpis: KpiConfig = KpiConfig()
    escalation: EscalationConfig = EscalationConfig()
    talk: TalkConfig = TalkConfig()
    display: DisplayConfig = DisplayConfig()
    targets: TargetsConfig = TargetsConfig()
    budget: BudgetConfig = BudgetConfig()
    state: StateConfig = field(default_factory=StateConfig)
    keys: Mapping[str, str] = field(default_factory=dict)
    source: Path | None = None
    warnings: tuple[str, ...] = ()


# --- schema ------------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns the "expected ..." text when the value is bad


def _str(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _number(low: float, high: float | None = None, *, integer: bool = False) -> Check:
    kind = "a whole number" if integer else "a number"
    text = f"{kind} > {low:g}" if high is None else f"{kind} from {low:g} to {high:g}"

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return text
        if integer and not isinstance(value, int):
            return text
        if value <= low if high is None else not low <= value <= high:
            return text
        return None

    return check


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in options:
            return None
        return "one of " + ", ".join(f'"{o}"' for o in options)

    return check


def _str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return 'a list of strings, e.g. ["escalated"]'


_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _subdomain(value: Any) -> str | None:
    if isinstance(value, str) and (value == "" or _SUBDOMAIN.match(value)):
        return None
    return 'a Zendesk subdomain such as "acme" (for https://acme.zendesk.com)'


def _url(value: Any) -> str | None:
    if isinstance(value, str) and (value == "" or re.match(r"^https?://[^\s/]+", value)):
        return None
    return 'a base URL such as "https://acme.zendesk.com" or "http://127.0.0.1:8765"'


def _timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return 'an IANA time zone name such as "Europe/Paris"'
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(value, sorted(available_timezones()), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        return f'an IANA time zone name such as "Europe/Paris"{hint}'
    return None


# section -> key -> check. "zendesk.auth" is a nested section.
SCHEMA: dict[str, dict[str, Check]] = {
    "zendesk": {"subdomain": _subdomain, "url": _url},
    "zendesk.auth": {
        "method": _choice(AUTH_METHODS),
        "access_token": _str,
        "refresh_token": _str,
        "client_id": _str,
        "client_secret": _str,
        "email": _str,
        "api_token": _str,
    },
    "account": {"timezone": _timezone},
    "sync": {"history_days": _number(1, 3650, integer=True)},
    "poll": {"live": _number(0), "incremental": _number(0), "reference": _number(0)},
    "kpis": {"window_days": _number(1, 365, integer=True), "time_basis": _choice(TIME_BASES)},
    "escalation": {"tags": _str_list, "priorities": _str_list},
    "talk": {"enabled": _bool},
    "display": {"theme": _str, "rotate_seconds": _number(0)},
    "targets": {
        "first_reply_minutes": _number(0),
        "full_resolution_minutes": _number(0),
        "csat": _number(0, 1),
        "answer_seconds": _number(0),
    },
    "budget": {"share": _number(0, 1)},
    "state": {"dir": _str},
    "keys": {},  # free-form: binding id -> comma-separated keys; checked by the app
}

SECRET_KEYS = ("access_token", "refresh_token", "client_secret", "api_token")

# environment variable -> (section, key)
ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "ZENDESK_URL": ("zendesk", "url"),
    "ZENDESK_SUBDOMAIN": ("zendesk", "subdomain"),
    "ZENDESK_OAUTH_TOKEN": ("zendesk.auth", "access_token"),
    "ZENDESK_REFRESH_TOKEN": ("zendesk.auth", "refresh_token"),
    "ZENDESK_CLIENT_ID": ("zendesk.auth", "client_id"),
    "ZENDESK_CLIENT_SECRET": ("zendesk.auth", "client_secret"),
    "ZENDESK_EMAIL": ("zendesk.auth", "email"),
    "ZENDESK_API_TOKEN": ("zendesk.auth", "api_token"),
}

# method -> keys that must be set, with the variable that can supply each
REQUIRED_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "oauth": ("access_token",),
    "oauth_client_credentials": ("client_id", "client_secret"),
    "api_token": ("email", "api_token"),
}


def _env_name(key: str) -> str:
    return next(name for name, (_, k) in ENV_OVERRIDES.items() if k == key)


def _describe(value: Any, key: str) -> str:
    if key in SECRET_KEYS:
        return "a secret (hidden)"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


# --- loading ------------------------------------------------------------------------------


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$DESKWATCH_CONFIG``, else the platform's user config dir ``deskwatch/config.toml``."""
    env = os.environ if env is None else env
    if env.get("DESKWATCH_CONFIG"):
        return Path(env["DESKWATCH_CONFIG"]).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def _flatten(data: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Split the TOML document into schema sections, reporting unknown names."""
    sections: dict[str, dict[str, Any]] = {}
    top_names = sorted({s.split(".")[0] for s in SCHEMA})
    for name, value in data.items():
        if name not in top_names:
            raise ConfigError(f"{where}: [{name}]: unknown section{_did_you_mean(name, top_names)}")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {name}: found {_describe(value, name)}, expected a table")
        inner = dict(value)
        if name == "zendesk" and "auth" in inner:
            auth = inner.pop("auth")
            if not isinstance(auth, dict):
                raise ConfigError(
                    f"{where}: zendesk.auth: found {_describe(auth, 'auth')}, "
                    "expected a table [zendesk.auth]"
                )
            sections["zendesk.auth"] = auth
        sections[name] = inner
    return sections


def _validate_section(section: str, values: dict[str, Any], where: str) -> None:
    checks = SCHEMA[section]
    if section == "keys":
        for key, value in values.items():
            if not isinstance(value, str):
                raise ConfigError(
                    f"{where}: keys.{key}: found {_describe(value, key)}, "
                    'expected a string of keys such as "r,f5"'
                )
        return
    known = list(checks)
    for key, value in values.items():
        if key not in checks:
            raise ConfigError(
                f"{where}: {section}.{key}: unknown key"
                + _did_you_mean(key, known).replace("mean ", f"mean {section}.")
            )
        expected = checks[key](value)
        if expected:
            raise ConfigError(
                f"{where}: {section}.{key}: found {_describe(value, key)}, expected {expected}"
            )


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
    where = str(source) if source else "config"
    sections = _flatten(dict(data), where)
    for section, values in sections.items():
        _validate_section(section, values, where)
    for var, (section, key) in ENV_OVERRIDES.items():
        if env.get(var):
            sections.setdefault(section, {})[key] = env[var]
            expected = SCHEMA[section][key](env[var])
            if expected:
                raise ConfigError(
                    f"{var} (for {section}.{key}): found "
                    f"{_describe(env[var], key)}, expected {expected}"
                )

    z = sections.get("zendesk", {})
    a = sections.get("zendesk.auth", {})
    auth = AuthConfig(
        method=a.get("method", "oauth"),
        access_token=Secret(a.get("access_token", "")),
        refresh_token=Secret(a.get("refresh_token", "")),
        client_id=a.get("client_id", ""),
        client_secret=Secret(a.get("client_secret", "")),
        email=a.get("email", ""),
        api_token=Secret(a.get("api_token", "")),
    )
    zendesk = ZendeskConfig(subdomain=z.get("subdomain", ""), url=z.get("url", ""), auth=auth)
    if require_account:
        _check_account(zendesk, where)

    def sub(cls: type, name: str) -> Any:
        return cls(**sections.get(name, {}))

    esc = sections.get("escalation", {})
    escalation = EscalationConfig(
        tags=tuple(esc.get("tags", EscalationConfig.tags)),
        priorities=tuple(esc.get("priorities", EscalationConfig.priorities)),
    )
    st = sections.get("state", {})
    if state_dir is not None:
        state = StateConfig(dir=state_dir)
    elif st.get("dir"):
        state = StateConfig(dir=Path(st["dir"]).expanduser())
    else:
        state = StateConfig()
    cfg = Config(
        zendesk=zendesk,
        account=sub(AccountConfig, "account"),
        sync=sub(SyncConfig, "sync"),
        poll=sub(PollConfig, "poll"),
        kpis=sub(KpiConfig, "kpis"),
        escalation=escalation,
        talk=sub(TalkConfig, "talk"),
        display=sub(DisplayConfig, "display"),
        targets=sub(TargetsConfig, "targets"),
        budget=sub(BudgetConfig, "budget"),
        state=state,
        keys=dict(sections.get("keys", {})),
        source=source,
        warnings=warnings,
    )
    if cfg.kpis.window_days > cfg.sync.history_days:
        raise ConfigError(
            f"{where}: kpis.window_days: found {cfg.kpis.window_days}, expected at "
            f"most sync.history_days ({cfg.sync.history_days})"
        )
    return cfg


def _check_account(zendesk: ZendeskConfig, where: str) -> None:
    if not zendesk.subdomain and not zendesk.url:
        raise ConfigError(
            f"{where}: zendesk.subdomain: missing, expected your Zendesk subdomain "
            "(or zendesk.url, ZENDESK_SUBDOMAIN or ZENDESK_URL)"
        )
    auth = zendesk.auth
    for key in REQUIRED_CREDENTIALS[auth.method]:
        if not getattr(auth, key):
            raise ConfigError(
                f"{where}: zendesk.auth.{key}: missing, expected a value for "
                f'method "{auth.method}" (in the file or {_env_name(key)})'
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


def _permission_warning(path: Path, data: Mapping[str, Any]) -> tuple[str, ...]:
    auth = data.get("zendesk", {}).get("auth", {}) if isinstance(data.get("zendesk"), dict) else {}
    if not isinstance(auth, dict) or not any(auth.get(k) for k in SECRET_KEYS):
        return ()
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"{path} holds a secret and is readable by others (mode "
            f"{stat.S_IMODE(mode):o}); run: chmod 600 {path}",
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
    data: dict[str, Any] = {}
    warnings: tuple[str, ...] = ()
    if path.is_file():
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
        warnings = _permission_warning(path, data)
    elif explicit or (
        require_account and not (env.get("ZENDESK_URL") or env.get("ZENDESK_SUBDOMAIN"))
    ):
        hint = "copy config.example.toml there" if not explicit else "check the path"
        raise ConfigError(f"{path}: config file not found; {hint} (or try: deskwatch demo)")
    source = path if path.is_file() else None
    return build_config(
        data,
        env,
        source=source,
        require_account=require_account,
        state_dir=state_dir,
        warnings=warnings,
    )
