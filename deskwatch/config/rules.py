"""``[[alerts.rules]]``: each rule's keys checked one by one into an :class:`AlertRule`.

The KPI id is checked against the catalogue above the config layer
(:func:`deskwatch.kpis.alerts.check_rules`); here: types, ranges, and that a rule has a
condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from deskwatch.config import checks as c
from deskwatch.config.text import describe, did_you_mean

FORMATS = ("json", "slack")
MINUTES = c.number(0, 1440, unit="minutes")
THRESHOLD = c.number(-1e12, 1e12)


@dataclass(frozen=True)
class AlertRule:
    kpi: str
    above: float | None = None
    below: float | None = None
    outside_typical: bool = False
    for_minutes: float = 0.0
    name: str = ""
    #: per rule webhook (overrides [alerts] webhook_url); a secret: never shown
    webhook_url: str = ""
    format: str = ""  # "" : [alerts] format


def webhook_url(value: Any) -> str | None:
    """https, or http on loopback only; no user:password@. The URL is a secret (its path
    often holds the receiver's token): it is never echoed."""
    expected = "an https:// URL (http only on loopback) without user:password@"
    if not isinstance(value, str):
        return expected
    if value == "":
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a bad port raises)
    except ValueError:
        return expected
    host = parts.hostname or ""
    if not host or parts.username is not None or any(ch.isspace() for ch in value):
        return expected
    if parts.scheme == "https" or (parts.scheme == "http" and c.is_loopback_host(host)):
        return None
    return expected


_CHECKS: dict[str, c.Check] = {
    "kpi": c.string,
    "above": THRESHOLD,
    "below": THRESHOLD,
    "outside_typical": c.boolean,
    "for_minutes": MINUTES,
    "name": c.string,
    "webhook_url": webhook_url,
    "format": c.choice(FORMATS),
}


def parse_rules(value: Any) -> tuple[AlertRule, ...]:
    """The rules of ``alerts.rules``; ValueError with the one-line problem."""
    if not isinstance(value, list):
        raise ValueError(f"alerts.rules: found {describe(value)}, expected [[alerts.rules]] tables")
    rules = []
    for i, table in enumerate(value):
        where = f"alerts.rules[{i}]"
        if not isinstance(table, dict):
            raise ValueError(f"{where}: found {describe(table)}, expected a table")
        for key, v in table.items():
            if key not in _CHECKS:
                hint = did_you_mean(key, list(_CHECKS), f"; did you mean {where}.{{}}?")
                raise ValueError(f"{where}.{key}: unknown key{hint}")
            expected = _CHECKS[key](v)
            if expected:
                shown = describe(v, secret=key == "webhook_url")
                raise ValueError(f"{where}.{key}: found {shown}, expected {expected}")
        if "kpi" not in table:
            raise ValueError(f'{where}: no kpi, e.g. kpi = "tickets.unassigned"')
        if not any(k in table for k in ("above", "below")) and not table.get("outside_typical"):
            raise ValueError(f"{where}: no condition: set above, below or outside_typical = true")
        numbers = {k: float(table[k]) for k in ("above", "below", "for_minutes") if k in table}
        rules.append(AlertRule(**{**table, **numbers}))
    return tuple(rules)
