"""The KPI dashboard's view: the strategic figures over the window (``kpis.window_days``).

Tiles for created, solved, reopened, one-touch, CSAT and (when ``cost.monthly_support_cost``
is set) cost per ticket; the ticket status bars with the reopened line ("412 of 19,941 tickets
reopened"); CSAT with today's ratings and its daily score against ``targets.csat``; tickets by
type and by channel, largest first; first reply and full resolution daily medians against
their targets; the backlog at the end of each day. Every figure is read through the KPI
catalogue; this module only picks, orders and formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from deskwatch.config import Config
from deskwatch.format import NO_DELTA, fmt_count, fmt_minutes, fmt_ratio, versus_target
from deskwatch.kpis import catalogue as k
from deskwatch.kpis.snapshot import DurationKpis, KpiSnapshot, StatusCounts
from deskwatch.views.figures import (
    PARTIAL_NOTE,
    Bar,
    BarsView,
    SeriesView,
    TileView,
    bars,
    duration,
    fmt_value,
    mark_partial,
    verdict_of,
)

#: the tiles, in order
TILES: tuple[k.Kpi[Any], ...] = (
    k.CREATED_WINDOW,
    k.SOLVED_WINDOW,
    k.REOPENED,
    k.ONE_TOUCH,
    k.CSAT_SCORE,
    k.COST_PER_TICKET,
)
#: every figure the dashboard shows (the help screen lists them)
FIGURES: tuple[k.Kpi[Any], ...] = (
    *TILES,
    k.CSAT_GOOD,
    k.CSAT_BAD,
    k.CSAT_TODAY,
    k.STATUS,
    k.BY_TYPE,
    k.BY_CHANNEL,
    k.CSAT_DAILY,
    k.FIRST_REPLY_MINUTES,
    k.FULL_RESOLUTION_MINUTES,
    k.BACKLOG_DAILY,
)
#: the window lengths ``[`` / ``]`` and the palette step through
WINDOW_STEPS = (7, 30, 90)
STATUS_NAMES = {"hold": "on hold"}
COST_HINT = (
    "Cost per ticket: set monthly_support_cost under [cost] in the config "
    "(what support costs a month) to see it here and in the export"
)


@dataclass(frozen=True)
class KpiView:
    title: str
    partial: str
    tiles: tuple[TileView, ...]
    status: BarsView
    reopened: str
    csat: SeriesView
    by_type: BarsView
    by_channel: BarsView
    first_reply: SeriesView
    full_resolution: SeriesView
    backlog: SeriesView
    cost_hint: str


def window_title(snap: KpiSnapshot | None, cfg: Config) -> str:
    """ "Last 30 days · 25 Oct – 23 Nov" (the window the snapshot was computed over)."""
    if snap is None:
        return f"Last {cfg.kpis.window_days} days"
    w = snap.window

    def day(text: str) -> str:
        d = date.fromisoformat(text)
        return f"{d.day} {d:%b}"

    return f"Last {w.days} days · {day(w.start)} – {day(w.end)}"


def next_window(days: int, step: int) -> int:
    """The next window length up (+1) or down (-1) :data:`WINDOW_STEPS` from ``days``."""
    if step > 0:
        return next((d for d in WINDOW_STEPS if d > days), WINDOW_STEPS[-1])
    return next((d for d in reversed(WINDOW_STEPS) if d < days), WINDOW_STEPS[0])


def _tile(kpi: k.Kpi[Any], value: float | None, line: str, cfg: Config) -> TileView:
    text = fmt_value(kpi.unit, value)
    if kpi.unit == "ratio" and value is not None and kpi.target is None:
        text = fmt_ratio(value, decimals=1)
    return TileView(
        id=kpi.id,
        label=kpi.label,
        value=text,
        digits="-" if value is None else text,
        delta=NO_DELTA,
        versus=line,
        up_is_good=kpi.up_is_good,
        streams=kpi.streams,
        verdict=verdict_of(kpi, value, kpi.target_of(cfg)),
    )


def _share(part: int | None, whole: int | None) -> str:
    """ "120/4,211": short enough for a tile a sixth of 80 columns wide."""
    return "" if part is None else f"{fmt_count(part)}/{fmt_count(whole)}"


def _tiles(snap: KpiSnapshot | None, cfg: Config) -> tuple[TileView, ...]:
    days = f"{cfg.kpis.window_days if snap is None else snap.window.days} days"
    reopened, one_touch = k.REOPENED.value(snap), k.ONE_TOUCH.value(snap)
    target = k.CSAT_SCORE.target_of(cfg)
    return (
        _tile(k.CREATED_WINDOW, k.CREATED_WINDOW.value(snap), days, cfg),
        _tile(k.SOLVED_WINDOW, k.SOLVED_WINDOW.value(snap), days, cfg),
        _tile(
            k.REOPENED,
            None if reopened is None else reopened.rate,
            "" if reopened is None else _share(reopened.count, reopened.of_created),
            cfg,
        ),
        _tile(
            k.ONE_TOUCH,
            None if one_touch is None else one_touch.rate,
            "" if one_touch is None else _share(one_touch.count, one_touch.of_solved),
            cfg,
        ),
        _tile(k.CSAT_SCORE, k.CSAT_SCORE.value(snap), f"target {fmt_ratio(target)}", cfg),
        _tile(k.COST_PER_TICKET, k.COST_PER_TICKET.value(snap), "this month", cfg),
    )


def _status(snap: KpiSnapshot | None) -> BarsView:
    """Every ticket by status, in lifecycle order (not largest first)."""
    counts = k.STATUS.value(snap)
    return BarsView(
        id=k.STATUS.id,
        title=k.STATUS.label,
        bars=tuple(
            Bar(
                STATUS_NAMES.get(name, name),
                0 if counts is None else getattr(counts, name),
                fmt_count(None if counts is None else getattr(counts, name)),
                name,
            )
            for name in StatusCounts.__dataclass_fields__
        ),
        streams=k.STATUS.streams,
    )


def _reopened(snap: KpiSnapshot | None) -> str:
    r = k.REOPENED.value(snap)
    if r is None:
        return ""
    rate = "" if r.rate is None else f" ({fmt_ratio(r.rate, decimals=1)})"
    return f"{fmt_count(r.count)} of {fmt_count(r.of_created)} tickets reopened{rate}"


def _csat(snap: KpiSnapshot | None, cfg: Config) -> SeriesView:
    """The daily score against targets.csat; the summary: today's score, then the window's
    score and the counts it is made of, each labelled ("today 77% · 30 d: 76% of 3,350
    (2,560 good, 790 bad)")."""
    score, target = k.CSAT_SCORE.value(snap), k.CSAT_SCORE.target_of(cfg)
    today = k.CSAT_TODAY.value(snap)
    daily = k.CSAT_DAILY.value(snap) or ()
    good, bad = k.CSAT_GOOD.value(snap), k.CSAT_BAD.value(snap)
    rated = None if good is None or bad is None else good + bad
    days = cfg.kpis.window_days if snap is None else snap.window.days
    short = (
        f"today {fmt_ratio(None if today is None else today.score)} · "
        f"{days} d: {fmt_ratio(score)} of {fmt_count(rated)}"
    )
    return SeriesView(
        id=k.CSAT_DAILY.id,
        title=k.CSAT_DAILY.label,
        summary=f"{short} ({fmt_count(good)} good, {fmt_count(bad)} bad)",
        short=short,
        dates=tuple(d.date for d in daily),
        values=tuple(d.score for d in daily),
        unit="ratio",
        target=target,
        up_is_good=True,
        streams=k.CSAT_DAILY.streams,
        verdict=verdict_of(k.CSAT_SCORE, score, target),
    )


def _duration_series(kpi: k.Kpi[DurationKpis], snap: KpiSnapshot | None, cfg: Config) -> SeriesView:
    d = duration(kpi, snap, cfg)
    block = kpi.value(snap)
    window = None if block is None else block.window
    median = None if window is None else window.median
    parts = [f"median {fmt_minutes(median)}"]
    if d.target is not None:
        parts.append(f"target {fmt_minutes(d.target)}")
    return SeriesView(
        id=kpi.id,
        title=kpi.label,
        summary=" · ".join(parts),
        dates=tuple(x.date for x in d.daily),
        values=tuple(x.median for x in d.daily),
        unit="minutes",
        target=d.target,
        up_is_good=False,
        streams=kpi.streams,
        verdict=versus_target(median, d.target, lower_is_better=True),
    )


def _backlog(snap: KpiSnapshot | None) -> SeriesView:
    days = k.BACKLOG_DAILY.value(snap) or ()
    now = days[-1].unsolved if days else None
    first = days[0].unsolved if days else None
    summary = f"{fmt_count(now)} unsolved now" + (
        f" · {fmt_count(first)} on {days[0].date[5:]}" if first is not None else ""
    )
    return SeriesView(
        id=k.BACKLOG_DAILY.id,
        title=k.BACKLOG_DAILY.label,
        summary=summary,
        dates=tuple(d.date for d in days),
        values=tuple(float(d.unsolved) for d in days),
        unit="count",
        target=None,
        up_is_good=False,
        streams=k.BACKLOG_DAILY.streams,
    )


def view(snap: KpiSnapshot | None, cfg: Config, now: datetime, *, partial: bool = False) -> KpiView:
    """What the KPI screen shows for ``snap`` (None: nothing computed yet). ``partial``: the
    history backfill has not reached the whole window yet."""
    by_type = k.BY_TYPE.value(snap)
    type_counts = {} if by_type is None else {n: getattr(by_type, n) for n in by_type.__slots__}
    configured = bool(cfg.cost.monthly_support_cost)
    shown = KpiView(
        title=window_title(snap, cfg),
        partial=PARTIAL_NOTE if partial else "",
        tiles=tuple(t for t in _tiles(snap, cfg) if configured or t.id != k.COST_PER_TICKET.id),
        status=_status(snap),
        reopened=_reopened(snap),
        csat=_csat(snap, cfg),
        by_type=bars(k.BY_TYPE, type_counts, "none", {"none": "no type"}),
        by_channel=bars(k.BY_CHANNEL, dict(k.BY_CHANNEL.value(snap) or {}), "unknown", {}),
        first_reply=_duration_series(k.FIRST_REPLY_MINUTES, snap, cfg),
        full_resolution=_duration_series(k.FULL_RESOLUTION_MINUTES, snap, cfg),
        backlog=_backlog(snap),
        cost_hint="" if configured else COST_HINT,
    )
    return mark_partial(shown, partial)
