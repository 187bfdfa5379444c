"""deskwatch's key bindings (real ``BINDINGS`` with ids, remappable from ``[keys]``), their
help texts, and the startup checks of ``[keys]`` and ``display.theme`` (one-line ConfigErrors)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from textual.binding import Binding
from textual.theme import BUILTIN_THEMES

from deskwatch.config import ConfigError

#: the order of the number keys: 1 = ops, 2 = kpi, 3 = talk, 4 = agents
MODE_ORDER = ("ops", "kpi", "talk", "agents")
MODE_NAMES = {"ops": "Ops", "kpi": "KPIs", "talk": "Talk", "agents": "Agents"}


BINDINGS: list[Binding] = [
    Binding("1", "dashboard(1)", "Ops", id="dashboard.1"),
    Binding("2", "dashboard(2)", "KPIs", id="dashboard.2"),
    Binding("3", "dashboard(3)", "Talk", id="dashboard.3"),
    Binding("4", "dashboard(4)", "Agents", id="dashboard.4"),
    Binding("tab", "cycle(1)", "Next", id="dashboard.next", priority=True),
    Binding("shift+tab", "cycle(-1)", "Prev", id="dashboard.previous", priority=True),
    Binding("question_mark", "help", "Help", id="help", key_display="?"),
    # shown on the footer's right edge by Textual's own palette hint
    Binding(
        "ctrl+p", "command_palette", "Palette", id="command_palette", priority=True, show=False
    ),
    Binding("r", "refresh", "Refresh", id="refresh"),
    Binding("p", "pause", "Pause", id="pause"),
    Binding("plus,equals_sign", "interval(1)", "Slower", id="interval.up", key_display="+"),
    Binding("minus", "interval(-1)", "Faster", id="interval.down", key_display="-"),
    Binding("w", "wall", "Wall", id="wall"),
    Binding("q", "quit", "Quit", id="quit"),
]
BINDING_IDS = tuple(b.id for b in BINDINGS if b.id)


def check_keymap(keys: Mapping[str, str]) -> dict[str, str]:
    """Validate the config's ``[keys]`` table (binding id -> "key,key"); ConfigError if bad."""
    keymap: dict[str, str] = {}
    for binding_id, value in keys.items():
        if binding_id not in BINDING_IDS:
            close = difflib.get_close_matches(binding_id, BINDING_IDS, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            raise ConfigError(
                f"keys.{binding_id}: unknown binding id{hint} "
                f"(expected one of: {', '.join(BINDING_IDS)})"
            )
        parts = [k.strip() for k in str(value).split(",") if k.strip()]
        if not parts:
            raise ConfigError(f'keys.{binding_id}: found "{value}", expected keys such as "r,f5"')
        keymap[binding_id] = ",".join(parts)
    return keymap


def check_theme(name: str, available: Sequence[str] = tuple(BUILTIN_THEMES)) -> str:
    if name in available:
        return name
    close = difflib.get_close_matches(name, list(available), n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    raise ConfigError(
        f'display.theme: found "{name}", unknown theme; {hint}'
        f"expected one of: {', '.join(sorted(available))}"
    )


HELP_TEXT = {
    "dashboard.next": "Next dashboard",
    "dashboard.previous": "Previous dashboard",
    "help": "This help",
    "command_palette": "Command palette (interval, window, theme…)",
    "refresh": "Refresh now: poll every stream",
    "pause": "Pause / resume polling",
    "interval.up": "Poll less often",
    "interval.down": "Poll more often",
    "wall": "Wall mode: big figures, rotation",
    "quit": "Quit (saves the cache first)",
}
