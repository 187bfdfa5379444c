"""deskwatch's key bindings (real ``BINDINGS`` with ids, remappable from ``[keys]``) and their
help texts. The ids and default keys are declared in ``deskwatch.config.keys`` (the config
layer checks ``[keys]`` without Textual); this module turns them into Textual bindings."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from deskwatch.config import DEFAULT_KEYS

#: the order of the number keys: 1 = ops, 2 = kpi, 3 = talk, 4 = agents
MODE_ORDER = ("ops", "kpi", "talk", "agents")
MODE_NAMES = {"ops": "Ops", "kpi": "KPIs", "talk": "Talk", "agents": "Agents"}


#: the bindings the footer shows: the dashboards and the few keys a supervisor needs most; it
#: fits in 80 columns (next to the palette hint). Every binding is in help (?), and what these
#: leave out (next/previous dashboard, pause, poll interval, wall mode, the KPI window) is in
#: the command palette too.
FOOTER = (
    "dashboard.1", "dashboard.2", "dashboard.3", "dashboard.4", "filter", "refresh", "help",
    "quit",
)  # fmt: skip


def _bind(binding_id: str, action: str, description: str, **options: Any) -> Binding:
    options.setdefault("show", binding_id in FOOTER)
    return Binding(DEFAULT_KEYS[binding_id], action, description, id=binding_id, **options)


BINDINGS: list[Binding] = [
    _bind("dashboard.1", "dashboard(1)", "Ops"),
    _bind("dashboard.2", "dashboard(2)", "KPIs"),
    _bind("dashboard.3", "dashboard(3)", "Talk"),
    _bind("dashboard.4", "dashboard(4)", "Agents"),
    _bind("dashboard.next", "cycle(1)", "Next", priority=True),
    _bind("dashboard.previous", "cycle(-1)", "Prev", priority=True),
    _bind("window.shorter", "window(-1)", "Window", key_display="["),
    _bind("window.longer", "window(1)", "Window", key_display="]"),
    _bind("help", "help", "Help", key_display="?"),
    # shown on the footer's right edge by Textual's own palette hint
    _bind("command_palette", "command_palette", "Palette", priority=True),
    _bind("refresh", "refresh", "Refresh"),
    _bind("pause", "pause", "Pause"),
    _bind("interval.up", "interval(1)", "Slower", key_display="+"),
    _bind("interval.down", "interval(-1)", "Faster"),
    _bind("wall", "wall", "Wall"),
    _bind("filter", "filter", "Filter"),
    _bind("quit", "quit", "Quit"),
]
BINDING_IDS = tuple(b.id for b in BINDINGS if b.id)


HELP_TEXT = {
    "dashboard.next": "Next dashboard",
    "dashboard.previous": "Previous dashboard",
    "window.shorter": "KPI window shorter (90 → 30 → 7 days)",
    "window.longer": "KPI window longer (7 → 30 → 90 days, up to sync.history_days)",
    "help": "This help",
    "command_palette": "Command palette (interval, window, theme…)",
    "refresh": "Refresh now: poll every stream",
    "pause": "Pause / resume polling",
    "interval.up": "Poll less often",
    "interval.down": "Poll more often",
    "wall": "Wall mode: big figures, rotation",
    "filter": "Filter every dashboard by group, brand, channel",
    "quit": "Quit (saves the cache first)",
}
