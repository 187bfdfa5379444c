"""The operations dashboard: today's ticket counts, reply/resolution times, hourly flow.

Passive like every dashboard: the app hands it a :class:`DashboardData` through :meth:`show`,
which updates the mounted widgets in place (nothing is remounted, unchanged widgets are left
alone). Every figure comes from the KPI snapshot (``data.snapshot``) or, for what the export
contract does not carry, from ``data.ops`` (``deskwatch.kpis.ops.OpsFigures``); anything absent
shows "—" and no arrow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll

from deskwatch.format import delta, fmt_count, fmt_ratio
from deskwatch.kpis.plain import to_plain
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DashboardScreen
from deskwatch.widgets.duration_panel import DurationPanel
from deskwatch.widgets.hourly_bars import HourlyBars
from deskwatch.widgets.kpi_tile import KpiTile

#: tile id -> (label, path into snapshot.tickets, up is good)
TILES: tuple[tuple[str, str, tuple[str, ...], bool | None], ...] = (
    ("created", "Created today", ("created", "today"), None),
    ("unassigned", "Unassigned", ("unassigned",), False),
    ("unsolved", "Unsolved", ("unsolved",), False),
    ("pending", "Pending", ("status", "pending"), None),
    ("solved", "Solved today", ("solved", "today"), True),
    ("escalated", "Escalated", ("escalated",), False),
)

#: Tiles with no history in the data show their share of the unsolved tickets instead.
SHARE_OF_UNSOLVED = ("unassigned", "pending", "escalated")

#: The stream every figure on this screen is computed from.
SOURCE_STREAM = "tickets"


def dig(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]...`` through mappings or attributes; None if a step is absent."""
    for key in path:
        if value is None:
            return None
        value = value.get(key) if isinstance(value, Mapping) else getattr(value, key, None)
    return value


def current_value(tickets: Any, tile: str) -> Any:
    path = next(p for t, _, p, _ in TILES if t == tile)
    return dig(tickets, *path)


def yesterday_value(tickets: Any, ops: Any, tile: str) -> Any:
    """The same figure yesterday at this clock time, or None when it cannot be known.

    created/solved: the snapshot's ``yesterday_same_time``. unsolved: today's count minus the
    backlog's change over the last 24 h (``ops.backlog_now - ops.backlog_24h_ago``, KPIS.md's
    backlog rule), so the arrow shows the backlog's movement against the number on the tile.
    Unassigned, pending and escalated are current-state counts with no history in the data:
    no arrow.
    """
    if tile in ("created", "solved"):
        return dig(tickets, tile, "yesterday_same_time")
    if tile == "unsolved":
        now, before = dig(ops, "backlog_now"), dig(ops, "backlog_24h_ago")
        unsolved = dig(tickets, "unsolved")
        if isinstance(now, int) and isinstance(before, int) and isinstance(unsolved, int):
            return unsolved - (now - before)
    return None


def _versus(tickets: Any, tile: str, value: Any, before: Any) -> str:
    """The text after the arrow: yesterday's figure, else the share of unsolved tickets."""
    if before is not None:
        return f"vs {fmt_count(before)}"
    unsolved = dig(tickets, "unsolved")
    if tile in SHARE_OF_UNSOLVED and isinstance(value, int) and isinstance(unsolved, int):
        return f"{fmt_ratio(value / unsolved) if unsolved else '0%'} of unsolved"
    return ""


def hours_so_far(data: DashboardData) -> int:
    """How many local clock hours of today have started (1 just after midnight, 24 at 23:xx)."""
    now = data.now
    if now.tzinfo is not None:
        now = now.astimezone(data.cfg.account.tz)
    return now.hour + 1


class OperationsScreen(DashboardScreen):
    """Tiles for today's counts, first-reply and resolution panels, hourly created vs solved."""

    MODE: ClassVar[str] = "ops"
    TITLE: ClassVar[str | None] = "Operations"

    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-tiny"),
        (70, "-narrow"),
        (110, "-medium"),
        (170, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]  # noqa: RUF012

    DEFAULT_CSS = """
    OperationsScreen {
        #ops-body { height: 1fr; }
        #ops-tiles {
            grid-size: 6;
            grid-gutter: 0 0;
            height: auto;
        }
        #ops-times { height: auto; }
        #ops-times DurationPanel { width: 1fr; height: 18; }
        #ops-hourly-box {
            height: 16;
            border: round $foreground 30%;
            border-title-color: $foreground;
            background: $surface;
        }
        HourlyBars { height: 1fr; }
        &.-narrow #ops-tiles { grid-size: 3; }
        &.-tall #ops-times { height: 1fr; min-height: 18; }
        &.-tall #ops-times DurationPanel { height: 1fr; }
        &.-tall #ops-hourly-box { height: 1fr; min-height: 12; }

        &.-tiny #ops-tiles { grid-size: 2; }
        &.-tiny #ops-times { layout: vertical; height: auto; }
        &.-tiny #ops-times DurationPanel { height: 18; }

        &.-wall #ops-tiles { grid-size: 3; }
        &.-wall.-wide #ops-tiles { grid-size: 6; }
        &.-wall.-tiny #ops-tiles { grid-size: 2; }
        &.-wall KpiTile .tile--value { display: none; }
        &.-wall KpiTile .tile--digits { display: block; }
        &.-wall KpiTile.-overflow .tile--value { display: block; }
        &.-wall KpiTile.-overflow .tile--digits { display: none; }
        &.-wall DurationPanel .panel--table { display: none; }
        &.-wall DurationPanel .panel--digits { display: block; }
        &.-wall DurationPanel .panel--caption { display: block; }
        &.-wall #ops-body { scrollbar-size-vertical: 0; }
    }
    """

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._pending: DashboardData | None = None
        self._ready = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ops-body"):
            with Grid(id="ops-tiles"):
                for tile_id, label, _, up_is_good in TILES:
                    yield KpiTile(label, up_is_good=up_is_good, id=f"tile-{tile_id}")
            with Horizontal(id="ops-times"):
                yield DurationPanel("First reply time", id="panel-first-reply")
                yield DurationPanel("Full resolution time", id="panel-resolution")
            with Vertical(id="ops-hourly-box") as box:
                box.border_title = "Created vs solved per hour today"
                yield HourlyBars(id="ops-hourly")

    def on_mount(self) -> None:
        self._ready = True
        if self._pending is not None:
            data, self._pending = self._pending, None
            self.show(data)

    def show(self, data: DashboardData) -> None:
        if not self._ready:
            self._pending = data
            return
        snap = data.snapshot
        tickets = dig(snap, "tickets")
        stale = SOURCE_STREAM in data.stale
        for tile_id, _, _, _ in TILES:
            now_value = current_value(tickets, tile_id)
            before = yesterday_value(tickets, dig(snap, "ops"), tile_id)
            self.query_one(f"#tile-{tile_id}", KpiTile).update_tile(
                fmt_count(now_value),
                digits="-" if now_value is None else fmt_count(now_value),
                delta=delta(now_value, before),
                versus=_versus(tickets, tile_id, now_value, before),
                stale=stale,
            )
        targets = data.cfg.targets
        for panel_id, key, target in (
            ("panel-first-reply", "first_reply_minutes", targets.first_reply_minutes),
            ("panel-resolution", "full_resolution_minutes", targets.full_resolution_minutes),
        ):
            block = to_plain(dig(tickets, key)) or {}
            self.query_one(f"#{panel_id}", DurationPanel).update_panel(
                block, block.get("daily") or (), target, stale=stale
            )
        hours = hours_so_far(data)
        created = dig(snap, "ops", "created_per_hour_today") or ()
        solved = dig(snap, "ops", "solved_per_hour_today") or ()
        self.query_one(HourlyBars).set_counts(created[:hours], solved[:hours])
