"""The ``[keys]`` table and ``display.theme``, checked without Textual.

:data:`DEFAULT_KEYS` declares every remappable binding id and its default keys (the UI's
``bindings.py`` builds its Textual bindings from it); :data:`THEMES` names Textual's built-in
themes (a test compares it with Textual's own list).
"""

from __future__ import annotations

import contextlib
import itertools
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from deskwatch.config.text import clean, describe, did_you_mean, quote

#: binding id -> default keys (comma-separated Textual key names)
DEFAULT_KEYS: dict[str, str] = {
    "dashboard.1": "1",
    "dashboard.2": "2",
    "dashboard.3": "3",
    "dashboard.4": "4",
    "dashboard.next": "tab",
    "dashboard.previous": "shift+tab",
    "window.shorter": "left_square_bracket",
    "window.longer": "right_square_bracket",
    "help": "question_mark",
    "command_palette": "ctrl+p",
    "refresh": "r",
    "pause": "p",
    "interval.up": "plus,equals_sign",
    "interval.down": "minus",
    "wall": "w",
    "filter": "f",
    "quit": "q",
}

#: keys Textual's App binds itself (key -> the binding id allowed to take it, if any)
RESERVED: dict[str, str | None] = {"ctrl+q": "quit", "ctrl+c": None}

THEMES: tuple[str, ...] = (
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe",
    "catppuccin-latte", "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki",
    "gruvbox", "monokai", "nord", "rose-pine", "rose-pine-dawn", "rose-pine-moon",
    "solarized-dark", "solarized-light", "textual-dark", "textual-light", "tokyo-night",
)  # fmt: skip

_RENAMED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


#: Textual's named keys (besides characters and their names, e.g. "a", "question_mark")
NAMED_KEYS: frozenset[str] = frozenset(
    ["backspace", "delete", "down", "end", "enter", "escape", "home", "insert", "left",
     "pagedown", "pageup", "return", "right", "space", "tab", "up"]
    + [f"f{n}" for n in range(1, 25)]
)  # fmt: skip
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def is_key(key: str) -> bool:
    """Whether Textual can ever deliver ``key`` (e.g. "r", "f5", "ctrl+shift+up",
    "equals_sign"); a misspelt name ("esc") would leave its binding silently dead."""
    *mods, base = key.split("+")
    if any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in NAMED_KEYS:
        return True
    name = {v: k for k, v in _RENAMED.items()}.get(base, base)
    return any(key_name(ch) == base for ch in _characters(name))


def _characters(name: str) -> Iterator[str]:
    """The characters whose Unicode name Textual writes as ``name`` (its "-" and " " both
    became "_", e.g. less_than_sign for LESS-THAN SIGN)."""
    parts = name.split("_")
    if len(parts) > 8 or not all(parts):
        return
    for seps in itertools.product(" -", repeat=len(parts) - 1):
        spelled = parts[0] + "".join(sep + part for sep, part in zip(seps, parts[1:], strict=True))
        with contextlib.suppress(KeyError):
            yield unicodedata.lookup(spelled)


def key_name(key: str) -> str:
    """The Textual key name of one key as written: a single symbol becomes its name
    (``=`` -> ``equals_sign``), as Textual does when it builds a binding."""
    if len(key) != 1 or key.isalnum():
        return key
    if key == "\t":
        return "tab"
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _RENAMED.get(name, name)


def normal(key: str) -> str:
    """``key`` as Textual delivers it: the character after any modifiers named
    (``ctrl+=`` -> ``ctrl+equals_sign``, which Textual would otherwise never match)."""
    if len(key) == 1:
        return key_name(key)
    if key.endswith("++"):
        return key[:-1] + "plus"
    mods, sep, base = key.rpartition("+")
    return f"{mods}{sep}{key_name(base)}"


def _split(binding_id: str, value: Any) -> list[str]:
    if not isinstance(value, str):
        raise ValueError(f'found {describe(value)}, expected a string of keys such as "r,f5"')
    keys = [k.strip() for k in value.split(",") if k.strip()]
    if not keys or any(not k.isprintable() or " " in k for k in keys):
        raise ValueError(f'found {quote(value)}, expected keys such as "r,f5"')
    names = list(dict.fromkeys(normal(k) for k in keys))
    for name in names:
        if not is_key(name):
            hint = did_you_mean(name, sorted(NAMED_KEYS), '; did you mean "{}"?')
            raise ValueError(
                f"found {quote(value)}: {quote(name)} is not a key Textual knows{hint} "
                f"(a character, a name such as escape, enter, space, up, f5, "
                f"optionally with {'+, '.join(MODIFIERS)}+)"
            )
    return names


def _flat(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """TOML reads ``interval.up = "plus"`` as a table ``interval`` holding ``up``: the id."""
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, dict) and value:
            flat.update(_flat(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def check_keymap(table: Mapping[str, Any]) -> dict[str, str]:
    """``[keys]`` (binding id -> "key,key") as a keymap for Textual; raises ValueError with
    ``"<key>: <problem>"`` for an unknown id, a bad value or a key bound twice."""
    keymap: dict[str, str] = {}
    for binding_id, value in _flat(table).items():
        name = f"keys.{clean(binding_id, 64)}"
        if binding_id not in DEFAULT_KEYS:
            hint = did_you_mean(binding_id, list(DEFAULT_KEYS), '; did you mean "{}"?')
            raise ValueError(
                f"{name}: unknown binding id{hint} (expected one of: {', '.join(DEFAULT_KEYS)})"
            )
        try:
            keymap[binding_id] = ",".join(_split(binding_id, value))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    owner: dict[str, str] = {}
    for binding_id, default in DEFAULT_KEYS.items():
        for key in keymap.get(binding_id, default).split(","):
            remapped = binding_id in keymap
            if key in RESERVED and RESERVED[key] != binding_id:
                raise ValueError(
                    f"keys.{binding_id}: {quote(key)} is reserved by Textual; pick another key"
                )
            if key in owner:
                other = owner[key]
                mine, theirs = (binding_id, other) if remapped else (other, binding_id)
                raise ValueError(
                    f"keys.{mine}: {quote(key)} is already bound to {theirs}; pick another "
                    f'key, or remap {theirs} too (e.g. {theirs} = "f9")'
                )
            owner[key] = binding_id
    return keymap
