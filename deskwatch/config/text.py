"""How config values and names are written in one-line messages: TOML-like, never a Python
repr, never a line break, never a character the terminal cannot print, never unbounded."""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

LIMIT = 80  # characters of a value or name shown in a message


def clean(text: str, limit: int | None = None) -> str:
    """``text`` with every unprintable character (line breaks, controls, lone surrogates)
    escaped, cut to ``limit`` characters."""
    cut = limit is not None and len(text) > limit
    if limit is not None and cut:
        text = text[: limit - 1]
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")  # fmt: skip
    return "".join(out) + ("…" if cut else "")


def quote(text: str) -> str:
    """A string as a TOML basic string, e.g. ``"Europe/Paris"``."""
    return '"' + clean(text.replace("\\", "\\\\").replace('"', '\\"'), LIMIT) + '"'


def describe(value: Any, *, secret: bool = False) -> str:
    """What was found, as the user wrote it in TOML (or in words for what has no short form)."""
    if secret:
        return "a secret (hidden)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, int):
        text = str(value)
        return text if len(text) <= 30 else "a huge number"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, time):
        return f"the time {value.isoformat()}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def did_you_mean(name: str, options: Sequence[str], fmt: str = "; did you mean {}?") -> str:
    """A suggestion for a mistyped ``name`` among ``options`` ("" when nothing is close)."""
    if len(name) > 64:  # difflib is quadratic; nothing that long is a typo of a short name
        return ""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return fmt.format(close[0]) if close else ""
