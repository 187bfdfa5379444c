"""Value checks for config keys. Each returns None when the value is good, else the
"expected ..." text of the one-line error."""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from deskwatch.config.text import did_you_mean, quote

Check = Callable[[Any], str | None]


def string(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def number(
    low: float, high: float, *, integer: bool = False, above: bool = False, unit: str = ""
) -> Check:
    """A finite number from ``low`` to ``high`` (``above``: more than ``low``)."""
    kind = "a whole number" if integer else "a number"
    span = f"above {low:g} and at most {high:g}" if above else f"from {low:g} to {high:g}"
    text = f"{kind} {span}" + (f" ({unit})" if unit else "")

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return text
        if integer and not isinstance(value, int):
            return text
        if isinstance(value, float) and not math.isfinite(value):
            return text
        if (value <= low if above else value < low) or value > high:
            return text
        return None

    return check


def or_zero(check: Check, meaning: str) -> Check:
    """``check``, or exactly 0 (e.g. "no target", "off"): "<check's text>, or 0 for <meaning>"."""

    def either(value: Any) -> str | None:
        if not isinstance(value, bool) and isinstance(value, int | float) and value == 0:
            return None
        expected = check(value)
        return None if expected is None else f"{expected}, or 0 for {meaning}"

    return either


def choice(options: tuple[str, ...], what: str = "") -> Check:
    listed = ", ".join(f'"{o}"' for o in options)

    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in options:
            return None
        if what:
            hint = (
                did_you_mean(value, options, '; did you mean "{}"?')
                if isinstance(value, str)
                else ""
            )
            return f"{what}{hint} (one of: {', '.join(options)})"
        return "one of " + listed

    return check


def str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return 'a list of strings, e.g. ["escalated"]'


def names_or_ids(value: Any) -> str | None:
    """A list of names (strings) or Zendesk ids (whole numbers from 1)."""
    if isinstance(value, list) and all(
        (isinstance(v, str) and v.strip())
        or (isinstance(v, int) and not isinstance(v, bool) and 1 <= v < 2**63)
        for v in value
    ):
        return None
    return 'a list of names or ids, e.g. ["Billing", 360001234567]'


def channel_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return 'a list of channel names, e.g. ["email", "web"]'


_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def subdomain(value: Any) -> str | None:
    if isinstance(value, str) and (value == "" or _SUBDOMAIN.match(value)):
        return None
    return 'a Zendesk subdomain such as "acme" (for https://acme.zendesk.com)'


LOOPBACK = "127.0.0.0/8, ::1, localhost"


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_URL_EXAMPLE = 'a base URL such as "https://acme.zendesk.com" or "http://127.0.0.1:8765"'


def url(value: Any) -> str | None:
    """The account's base URL: https, or plain http on loopback only (a token sent over plain
    http is readable by anyone on the path); no credentials, query or ``/api/v2`` in it."""
    if not isinstance(value, str):
        return _URL_EXAMPLE
    if value == "":
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return _URL_EXAMPLE
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in value):
        return _URL_EXAMPLE
    if port == 0:
        return _URL_EXAMPLE
    if parts.username is not None or parts.password is not None:
        return "a base URL without credentials in it (set them in [zendesk.auth])"
    if parts.query or parts.fragment:
        return _URL_EXAMPLE + " (no ?query or #fragment)"
    path = parts.path.rstrip("/")
    if path.endswith("/api/v2") or "/api/v2/" in path:
        root = value[: value.find("/api/v2")]
        return f"the account's base URL without /api/v2, e.g. {quote(root)}"
    if parts.scheme == "http" and not is_loopback_host(host):
        fixed = "https" + value[len("http") :]
        return (
            "an https:// URL: plain http would send the credentials in clear text "
            f"(it is allowed only for loopback: {LOOPBACK}); use {quote(fixed)}"
        )
    return None


def nats_url(value: Any) -> str | None:
    """A NATS server URL (``nats://`` or ``tls://``), or "" for the one-host broker."""
    expected = 'a NATS URL such as "nats://broker.example.com:4222" (or "" for this host only)'
    if not isinstance(value, str):
        return expected
    if value == "":
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return expected
    if parts.scheme not in ("nats", "tls") or not parts.hostname or parts.path not in ("", "/"):
        return expected
    return None


def mask_userinfo(value: str) -> str:
    """``value`` with any ``user:password@`` of a URL replaced by ``***@``."""
    scheme, sep, rest = value.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return value
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


def timezone(value: Any) -> str | None:
    expected = 'an IANA time zone name such as "Europe/Paris"'
    if not isinstance(value, str):
        return expected
    try:
        ZoneInfo(value)
    except Exception:  # ZoneInfoNotFoundError, ValueError, OSError (e.g. a name too long)
        return expected + did_you_mean(
            value, sorted(available_timezones()), ' (did you mean "{}"?)'
        )
    return None
