"""The config layer checks [keys] and display.theme without Textual: its lists must match
Textual's own (a Textual upgrade that adds a theme or changes key names fails here)."""

from __future__ import annotations

import string

from textual.app import App
from textual.binding import Binding
from textual.keys import Keys, _character_to_key
from textual.theme import BUILTIN_THEMES

from deskwatch.bindings import BINDINGS
from deskwatch.config.keys import DEFAULT_KEYS, RESERVED, THEMES, is_key, key_name


def test_themes_are_textuals_built_in_themes() -> None:
    assert set(THEMES) == set(BUILTIN_THEMES)


def test_key_names_are_normalised_as_textual_does() -> None:
    for ch in string.printable.strip() + "\t€é§":
        assert key_name(ch) == _character_to_key(ch), ch


def test_the_bindings_are_built_from_the_declared_ids_and_keys() -> None:
    assert {b.id: b.key for b in BINDINGS} == DEFAULT_KEYS


def test_textuals_own_app_keys_are_reserved() -> None:
    app_keys = {key for b in Binding.make_bindings(App.BINDINGS) for key in b.key.split(",")}
    assert app_keys <= set(RESERVED)


def test_every_key_textual_names_is_accepted_and_misspellings_are_not() -> None:
    names = [k.value for k in Keys if not k.value.startswith("<") and k.value != "ctrl-at"]
    assert [name for name in names if not is_key(name)] == []
    assert all(is_key(_character_to_key(ch)) for ch in string.printable.strip())
    assert not any(is_key(k) for k in ("esc", "pgup", "ctrl+ctrl+a", "f25", "control+a", ""))
