"""Configuration: TOML file + environment, validated into frozen objects.

Every problem becomes one ``ConfigError`` line that names the key, what was found and
what is expected. Secrets are wrapped in :class:`Secret` so they never reach a repr,
a log line or an error message. Each key is declared once, as a field in ``model.py``.
"""

from deskwatch.config.keys import DEFAULT_KEYS, THEMES
from deskwatch.config.load import (
    REQUIRED_CREDENTIALS,
    SECRET_KEYS,
    build_config,
    declared_keys,
    default_config_path,
    env_overrides,
    load_config,
)
from deskwatch.config.model import (
    APP_NAME,
    AUTH_METHODS,
    TIME_BASES,
    AccountConfig,
    AlertsConfig,
    AuthConfig,
    BaselinesConfig,
    BudgetConfig,
    Config,
    ConfigError,
    DisplayConfig,
    EscalationConfig,
    FiltersConfig,
    KpiConfig,
    PollConfig,
    Secret,
    StateConfig,
    SyncConfig,
    TalkConfig,
    TargetsConfig,
    ZendeskConfig,
)

__all__ = [
    "APP_NAME",
    "AUTH_METHODS",
    "DEFAULT_KEYS",
    "REQUIRED_CREDENTIALS",
    "SECRET_KEYS",
    "THEMES",
    "TIME_BASES",
    "AccountConfig",
    "AlertsConfig",
    "AuthConfig",
    "BaselinesConfig",
    "BudgetConfig",
    "Config",
    "ConfigError",
    "DisplayConfig",
    "EscalationConfig",
    "FiltersConfig",
    "KpiConfig",
    "PollConfig",
    "Secret",
    "StateConfig",
    "SyncConfig",
    "TalkConfig",
    "TargetsConfig",
    "ZendeskConfig",
    "build_config",
    "declared_keys",
    "default_config_path",
    "env_overrides",
    "load_config",
]
