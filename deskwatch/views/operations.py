"""The operations dashboard's view: today's ticket counts, reply/resolution times, hourly flow.

The seed's daily-operations board: the top row holds created, unassigned, open, solved and
escalated tickets; created and solved show the change vs yesterday at the same time (the
snapshot's ``yesterday_same_time``), the current-state counts (unassigned, open, escalated:
Zendesk keeps no history of them) their share of the unsolved tickets. Created and solved
also show "vs typical" (the p25-p75 band of the same weekday so far); the hourly chart draws
the typical curve for the rest of the day; wall mode shows the end-of-day projections.
Unsolved (the backlog, whose change over 24 h the KPI code derives) joins the row where the
screen is wide enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deskwatch.config import Config
from deskwatch.kpis import catalogue as k
from deskwatch.kpis.snapshot import KpiSnapshot
from deskwatch.views.figures import (
    DurationView,
    ProjectionView,
    TileView,
    duration,
    hours_so_far,
    mark_partial,
    projection_view,
    tile,
)

#: the top row, in order; the second element: the tile only shows where the row is wide
TILES: tuple[tuple[k.Kpi[int], bool], ...] = (
    (k.CREATED_TODAY, False),
    (k.UNASSIGNED, False),
    (k.OPEN, False),
    (k.UNSOLVED, True),
    (k.SOLVED_TODAY, False),
    (k.ESCALATED, False),
)
#: current-state counts without history show their share of this figure
SHARE_OF = k.UNSOLVED
#: every figure the dashboard shows
FIGURES: tuple[k.Kpi[Any], ...] = (
    *(kpi for kpi, _ in TILES),
    k.FIRST_REPLY_MINUTES,
    k.FULL_RESOLUTION_MINUTES,
    k.CREATED_PER_HOUR,
    k.SOLVED_PER_HOUR,
    k.TYPICAL_CREATED_PER_HOUR,
    k.TYPICAL_SOLVED_PER_HOUR,
    k.PROJECTED_CREATED,
    k.PROJECTED_SOLVED,
)


@dataclass(frozen=True)
class HourlyView:
    """Created and solved per local clock hour today, up to the hour now, and the typical
    created / solved per hour for the whole day (None: no baseline day counts)."""

    created: tuple[int, ...]
    solved: tuple[int, ...]
    streams: tuple[str, ...]
    typical_created: tuple[float, ...] | None = None
    typical_solved: tuple[float, ...] | None = None


@dataclass(frozen=True)
class OperationsView:
    tiles: tuple[TileView, ...]
    first_reply: DurationView
    full_resolution: DurationView
    hourly: HourlyView
    #: end-of-day projections (wall mode shows them in big figures)
    projections: tuple[ProjectionView, ...] = ()


def view(
    snap: KpiSnapshot | None,
    cfg: Config,
    now: datetime,
    firing: frozenset[str] = frozenset(),
    partial: bool = False,
) -> OperationsView:
    """What the operations screen shows for ``snap`` (None: nothing computed yet) at ``now``;
    ``firing``: the ids of figures with a firing alert rule; ``partial``: the history backfill
    is under way (typical day and projection wait for it, figures reading past days are
    marked partial: :func:`~deskwatch.views.figures.mark_partial`)."""
    tiles = tuple(
        tile(
            kpi,
            snap,
            share_of=None if kpi.before is not None else SHARE_OF,
            alert=kpi.id in firing,
            partial=partial,
        )
        for kpi, _ in TILES
    )
    projections = tuple(
        projection_view(label, kpi.value(snap), snap is not None, partial)
        for label, kpi in (("created", k.PROJECTED_CREATED), ("solved", k.PROJECTED_SOLVED))
    )
    hours = hours_so_far(now, cfg)
    created = k.CREATED_PER_HOUR.value(snap) or ()
    solved = k.SOLVED_PER_HOUR.value(snap) or ()
    shown = OperationsView(
        tiles=tiles,
        first_reply=duration(k.FIRST_REPLY_MINUTES, snap, cfg),
        full_resolution=duration(k.FULL_RESOLUTION_MINUTES, snap, cfg),
        hourly=HourlyView(
            created=tuple(created[:hours]),
            solved=tuple(solved[:hours]),
            streams=k.CREATED_PER_HOUR.streams,
            typical_created=None if partial else k.TYPICAL_CREATED_PER_HOUR.value(snap),
            typical_solved=None if partial else k.TYPICAL_SOLVED_PER_HOUR.value(snap),
        ),
        projections=projections,
    )
    return mark_partial(shown, partial)
