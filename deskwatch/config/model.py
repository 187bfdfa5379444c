"""The configuration, declared once: each key is a dataclass field whose metadata holds its
check (type and range), its conversion and its environment variable. The loader, the
unknown-key suggestions and the environment overrides are all derived from these fields;
``config.example.toml`` documents each key (a test keeps the two in step)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import platformdirs

from deskwatch.config import checks as c
from deskwatch.config.keys import THEMES
from deskwatch.config.rules import FORMATS, AlertRule, webhook_url

APP_NAME = "deskwatch"
AUTH_METHODS = ("oauth", "oauth_client_credentials", "api_token")
TIME_BASES = ("calendar", "business")
DAY = 86_400.0
YEAR_MINUTES = 525_600.0


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


def setting(
    default: Any,
    check: c.Check,
    *,
    env: str | None = None,
    convert: Callable[[Any], Any] | None = None,
    secret: bool = False,
    mask: Callable[[str], str] | None = None,
    factory: Callable[[], Any] | None = None,
) -> Any:
    """Declare one config key: its default, its check, and optionally the environment variable
    that overrides it, how the TOML value becomes the field's value, whether it is a secret
    (never shown) and how to hide part of it in a message (``mask``)."""
    meta = {"check": check, "env": env, "convert": convert, "secret": secret, "mask": mask}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def secret(env: str) -> Any:
    return setting(Secret(), c.string, env=env, convert=Secret, secret=True)


def seconds(default: float, high: float = DAY) -> Any:
    return setting(default, c.number(1, high, unit="seconds"), convert=float)


def section(cls: type) -> Any:
    """A nested table, e.g. ``[zendesk.auth]`` inside ``[zendesk]``."""
    return field(default_factory=cls, metadata={"section": cls})


@dataclass(frozen=True)
class AuthConfig:
    method: str = setting("oauth", c.choice(AUTH_METHODS))
    access_token: Secret = secret("ZENDESK_OAUTH_TOKEN")
    refresh_token: Secret = secret("ZENDESK_REFRESH_TOKEN")
    client_id: str = setting("", c.string, env="ZENDESK_CLIENT_ID")
    client_secret: Secret = secret("ZENDESK_CLIENT_SECRET")
    email: str = setting("", c.string, env="ZENDESK_EMAIL")
    api_token: Secret = secret("ZENDESK_API_TOKEN")


@dataclass(frozen=True)
class ZendeskConfig:
    subdomain: str = setting("", c.subdomain, env="ZENDESK_SUBDOMAIN")
    url: str = setting("", c.url, env="ZENDESK_URL", mask=c.mask_userinfo)
    auth: AuthConfig = section(AuthConfig)

    @property
    def base_url(self) -> str:
        """The API root without a trailing slash: ``url`` wins over ``subdomain``."""
        if self.url:
            return self.url.rstrip("/")
        return f"https://{self.subdomain}.zendesk.com"


@dataclass(frozen=True)
class AccountConfig:
    timezone: str = setting("UTC", c.timezone)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class SyncConfig:
    history_days: int = setting(90, c.number(1, 3650, integer=True))


@dataclass(frozen=True)
class PollConfig:
    live: float = seconds(10)
    incremental: float = seconds(60)
    reference: float = seconds(900)


@dataclass(frozen=True)
class KpiConfig:
    window_days: int = setting(30, c.number(1, 365, integer=True))
    time_basis: str = setting("calendar", c.choice(TIME_BASES))


@dataclass(frozen=True)
class BaselinesConfig:
    weeks: int = setting(4, c.number(1, 52, integer=True))


@dataclass(frozen=True)
class AlertsConfig:
    bell: bool = setting(False, c.boolean)
    webhook_url: Secret = setting(
        Secret(), webhook_url, env="DESKWATCH_WEBHOOK_URL", convert=Secret, secret=True
    )
    format: str = setting("json", c.choice(FORMATS))
    renotify_minutes: float = setting(30.0, c.number(1, 1440, unit="minutes"), convert=float)
    hysteresis: float = setting(0.1, c.number(0, 0.9), convert=float)
    rules: tuple[AlertRule, ...] = field(default=(), metadata={"rules": True})


@dataclass(frozen=True)
class EscalationConfig:
    tags: tuple[str, ...] = setting(("escalated",), c.str_list, convert=tuple)
    priorities: tuple[str, ...] = setting(("urgent",), c.str_list, convert=tuple)


@dataclass(frozen=True)
class TalkConfig:
    enabled: bool = setting(True, c.boolean)


@dataclass(frozen=True)
class DisplayConfig:
    theme: str = setting("textual-dark", c.choice(THEMES, "a built-in Textual theme"))
    rotate_seconds: float = seconds(30)


def _minutes(default: float) -> Any:
    return setting(default, c.number(1, YEAR_MINUTES, unit="minutes"), convert=float)


def _optional(check: c.Check, meaning: str = "no target") -> Any:
    return setting(0.0, c.or_zero(check, meaning), convert=float)


@dataclass(frozen=True)
class TargetsConfig:
    first_reply_minutes: float = _minutes(60)
    full_resolution_minutes: float = _minutes(1440)
    csat: float = setting(0.85, c.number(0, 1), convert=float)
    answer_seconds: float = seconds(30)
    # Talk targets without a default: 0 means no target (the figure is shown uncoloured)
    wait_seconds: float = _optional(c.number(1, DAY, unit="seconds"))
    hold_seconds: float = _optional(c.number(1, DAY, unit="seconds"))
    wrap_up_seconds: float = _optional(c.number(1, DAY, unit="seconds"))
    quality: float = _optional(c.number(0.01, 1))


#: Zendesk's incremental export limit per minute: 10, or 30 with the High Volume API add-on
#: (developer.zendesk.com, "Rate limits", endpoint rate limits)
EXPORTS_PER_MINUTE = 10
EXPORTS_PER_MINUTE_MAX = 30
#: more is accepted only against a loopback URL (the simulator, whose limit is set when started)
EXPORTS_PER_MINUTE_LOOPBACK_MAX = 10_000_000


def _exports_rate(value: Any) -> str | None:
    if c.number(1, EXPORTS_PER_MINUTE_LOOPBACK_MAX)(value) is None:
        return None
    return (
        f"a number from 1 to {EXPORTS_PER_MINUTE_MAX} (requests a minute; more only with a "
        "loopback zendesk.url)"
    )


@dataclass(frozen=True)
class BudgetConfig:
    share: float = setting(0.25, c.number(0.01, 1), convert=float)  # 0: no request at all
    #: incremental export requests a minute, per export family (Support; Talk); the range
    #: above 30 is only for a loopback URL (build_config checks it against zendesk.url)
    exports_per_minute: float = setting(EXPORTS_PER_MINUTE, _exports_rate, convert=float)


def _names(value: list[str | int]) -> tuple[str | int, ...]:
    return tuple(v.strip() if isinstance(v, str) else v for v in value)


@dataclass(frozen=True)
class FiltersConfig:
    """The ticket universe every figure is computed over (KPIS.md "Filters"); empty: all."""

    groups: tuple[str | int, ...] = setting((), c.names_or_ids, convert=_names)
    brands: tuple[str | int, ...] = setting((), c.names_or_ids, convert=_names)
    channels: tuple[str, ...] = setting((), c.channel_list, convert=_names)

    @property
    def active(self) -> bool:
        return bool(self.groups or self.brands or self.channels)


@dataclass(frozen=True)
class CostConfig:
    #: what support costs a month (any currency); 0: not configured, no cost per ticket
    monthly_support_cost: float = _optional(c.number(1, 1e12), "off")


def default_state_dir() -> Path:
    return platformdirs.user_state_path(APP_NAME)


def _state_dir(value: str) -> Path:
    return Path(value).expanduser() if value else default_state_dir()


@dataclass(frozen=True)
class StateConfig:
    dir: Path = setting(None, c.string, convert=_state_dir, factory=default_state_dir)


@dataclass(frozen=True)
class BrokerConfig:
    """Where collectors and viewers of the account meet beyond one host (NATS JetStream)."""

    url: str = setting("", c.nats_url, mask=c.mask_userinfo)
    credentials: str = setting("", c.string)  # a NATS .creds file (JWT + NKey seed)
    tls_ca: str = setting("", c.string)  # files; "" = none
    tls_cert: str = setting("", c.string)
    tls_key: str = setting("", c.string)


def _keymap_field() -> Any:
    return field(default_factory=dict, metadata={"keymap": True})


@dataclass(frozen=True)
class Config:
    zendesk: ZendeskConfig = section(ZendeskConfig)
    account: AccountConfig = section(AccountConfig)
    sync: SyncConfig = section(SyncConfig)
    poll: PollConfig = section(PollConfig)
    kpis: KpiConfig = section(KpiConfig)
    baselines: BaselinesConfig = section(BaselinesConfig)
    alerts: AlertsConfig = section(AlertsConfig)
    escalation: EscalationConfig = section(EscalationConfig)
    talk: TalkConfig = section(TalkConfig)
    display: DisplayConfig = section(DisplayConfig)
    targets: TargetsConfig = section(TargetsConfig)
    budget: BudgetConfig = section(BudgetConfig)
    cost: CostConfig = section(CostConfig)
    state: StateConfig = section(StateConfig)
    filters: FiltersConfig = section(FiltersConfig)
    broker: BrokerConfig = section(BrokerConfig)
    keys: Mapping[str, str] = _keymap_field()  # binding id -> keys; checked by config.keys
    source: Path | None = None
    warnings: tuple[str, ...] = ()
