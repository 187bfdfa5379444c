"""The immutable KPI snapshot: one object the screens and ``deskwatch export`` both read.

Its attributes are the top-level keys of the ``../shared/KPIS.md`` JSON contract, holding the
nested values exactly as KPIS.md names them, frozen: dicts become read-only mappings and lists
become tuples, so ``snap.tickets["status"]["open"]`` and
``snap.tickets["first_reply_minutes"]["daily"][0]["median"]`` work and nothing can mutate them.
``to_dict()`` thaws it back into plain JSON values; ``to_json()`` serialises that.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

SCHEMA = "deskwatch.kpis/1"
TOP_LEVEL_KEYS = (
    "schema",
    "now",
    "timezone",
    "time_basis",
    "window",
    "tickets",
    "csat",
    "agents",
    "talk",
)


def freeze(value: Any) -> Any:
    """Deep-freeze JSON-shaped data: dict -> read-only mapping, list -> tuple."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict or isinstance(value, Mapping):
        return MappingProxyType(
            {
                k if type(k) is str else str(k): v if type(v) in _SCALARS else freeze(v)
                for k, v in value.items()
            }
        )
    if kind is list or kind is tuple or isinstance(value, list | tuple):
        return tuple([v if type(v) in _SCALARS else freeze(v) for v in value])
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_SCALARS = frozenset({int, str, bool, type(None)})


def thaw(value: Any) -> Any:
    """The inverse of :func:`freeze`: plain dicts and lists, ready for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class KpiSnapshot:
    """Every KPI at one instant. Build it with :func:`deskwatch.kpis.compute_snapshot`.

    schema      "deskwatch.kpis/1"
    now         ISO 8601 string with the account's UTC offset
    timezone    IANA name
    time_basis  "calendar" | "business"
    window      {"days", "start", "end"}
    tickets     see KPIS.md ``tickets``
    csat        see KPIS.md ``csat``
    agents      tuple of per-agent mappings (KPIS.md ``agents``)
    talk        KPIS.md ``talk`` mapping, or None when Talk is off
    """

    schema: str
    now: str
    timezone: str
    time_basis: str
    window: Mapping[str, Any]
    tickets: Mapping[str, Any]
    csat: Mapping[str, Any]
    agents: tuple[Mapping[str, Any], ...]
    talk: Mapping[str, Any] | None

    @classmethod
    def from_parts(cls, **parts: Any) -> KpiSnapshot:
        """Build from plain JSON-shaped values (deep-frozen here)."""
        missing = set(TOP_LEVEL_KEYS) - set(parts)
        extra = set(parts) - set(TOP_LEVEL_KEYS)
        if missing or extra:
            raise ValueError(
                f"snapshot keys: missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        return cls(**{k: freeze(parts[k]) for k in TOP_LEVEL_KEYS})

    def to_dict(self) -> dict[str, Any]:
        """The KPIS.md contract as plain dicts/lists (a fresh copy each call)."""
        return {k: thaw(getattr(self, k)) for k in TOP_LEVEL_KEYS}

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)
