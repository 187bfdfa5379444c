"""The Talk dashboard's view: live queue and agents, unsuccessful calls, efficiency, activity,
quality (the seed's four areas). Every figure is read through the KPI catalogue
(``deskwatch.kpis.catalogue_talk``); this module only picks, orders and formats.

Talk turned off in the config (``snapshot.talk`` is None) or refused by the account (a Talk
stream answered 403/404: ``unavailable``) gives a calm :attr:`TalkView.off` text that says so
and how to turn Talk on, and nothing else: no error, no empty charts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deskwatch.config import Config
from deskwatch.format import NO_DELTA, Verdict, fmt_count, fmt_ratio, fmt_seconds
from deskwatch.kpis import catalogue_talk as t
from deskwatch.kpis.figure import Kpi
from deskwatch.kpis.snapshot import KpiSnapshot
from deskwatch.stream_registry import TALK_STREAMS
from deskwatch.views.figures import (
    Bar,
    SeriesView,
    TileView,
    fmt_value,
    mark_partial,
    talk_scope,
    verdict_of,
)

#: the live tiles, in order
LIVE: tuple[Kpi[Any], ...] = (
    t.CALLS_WAITING,
    t.CALLBACKS_WAITING,
    t.LONGEST_WAIT,
    t.AVERAGE_WAIT,
    t.AGENTS_ONLINE,
    t.AGENTS_AVAILABLE,
    t.AGENTS_ON_CALL,
    t.UTILIZATION_TODAY,
)
#: efficiency rows: (label, today's figure, the window's figure)
EFFICIENCY: tuple[tuple[str, Kpi[Any], Kpi[Any]], ...] = (
    ("To answer", t.TIME_TO_ANSWER_TODAY, t.TIME_TO_ANSWER_WINDOW),
    ("Wait", t.WAIT_TIME_TODAY, t.WAIT_TIME_WINDOW),
    ("Talk", t.TALK_TIME_TODAY, t.TALK_TIME_WINDOW),
    ("Hold", t.HOLD_TIME_TODAY, t.HOLD_TIME_WINDOW),
    ("Wrap-up", t.WRAP_UP_TIME_TODAY, t.WRAP_UP_TIME_WINDOW),
    ("Leg talk", t.LEG_TALK_TIME_TODAY, t.LEG_TALK_TIME_WINDOW),
)
#: unsuccessful-call reasons: (snapshot key, as shown)
REASONS = (
    ("exceeded_wait", "exceeded wait"),
    ("voicemail", "voicemail"),
    ("abandoned", "abandoned"),
    ("not_answered", "not answered"),
)
FIGURES: tuple[Kpi[Any], ...] = t.TALK_FIGURES
OFF_IN_CONFIG = (
    "Talk is turned off in the config.\n"
    "To see calls, the queue and agents here, set enabled = true under [talk] in the config "
    "and restart deskwatch."
)
OFF_ON_ACCOUNT = (
    "Talk is not available on this Zendesk account (the Talk API answered 403/404: Talk is "
    "not set up, or this user may not read it).\n"
    "Turn Talk on in Zendesk Admin Center, or use a user with Talk access; to stop asking, "
    "set enabled = false under [talk] in the config."
)


@dataclass(frozen=True)
class EfficiencyRow:
    label: str
    today: str
    window: str
    target: str
    today_verdict: Verdict
    window_verdict: Verdict
    #: the window figure's id; ``partial``: it reads days the backfill has not finished
    id: str = ""
    partial: bool = False


@dataclass(frozen=True)
class AgentRow:
    name: str
    calls: str
    talk_total: str
    talk_mean: str
    id: str = t.TOP_AGENTS.id
    partial: bool = False


@dataclass(frozen=True)
class StackView:
    """Stacked bars per day: one series per reason, oldest day first."""

    dates: tuple[str, ...]
    labels: tuple[str, ...]
    series: tuple[tuple[int, ...], ...]
    id: str = t.UNSUCCESSFUL_DAILY.id
    partial: bool = False


@dataclass(frozen=True)
class TalkView:
    off: str
    live: tuple[TileView, ...]
    calls_today: str
    unsuccessful_today: tuple[Bar, ...]
    unsuccessful_daily: StackView
    efficiency: tuple[EfficiencyRow, ...]
    top_agents: tuple[AgentRow, ...]
    quality: SeriesView


LIVE_STREAMS = (("queue", "queue"), ("agents_activity", "agents"))


def live_age(last_ok: Mapping[str, datetime | None], now: datetime) -> str:
    """ "Live · queue 3s ago · agents 12s ago": how long ago each live stream was last polled
    successfully (``last_ok`` from the poller's status; the app refreshes it every second)."""
    parts = []
    for stream, name in LIVE_STREAMS:
        when = last_ok.get(stream)
        age = "not yet" if when is None else f"{fmt_seconds((now - when).total_seconds())} ago"
        parts.append(f"{name} {age}")
    return "Live · " + " · ".join(parts)


def _live(snap: KpiSnapshot | None, cfg: Config) -> tuple[TileView, ...]:
    tiles = []
    for kpi in LIVE:
        value = kpi.value(snap)
        text = fmt_value(kpi.unit, value)
        target = kpi.target_of(cfg)
        tiles.append(
            TileView(
                id=kpi.id,
                label=kpi.label,
                value=text,
                digits="-" if value is None else text,
                delta=NO_DELTA,
                versus="" if target is None else f"target {fmt_value(kpi.unit, target)}",
                up_is_good=kpi.up_is_good,
                streams=kpi.streams,
                verdict=verdict_of(kpi, value, target),
            )
        )
    return tuple(tiles)


def _efficiency(snap: KpiSnapshot | None, cfg: Config) -> tuple[EfficiencyRow, ...]:
    rows = []
    for label, today, window in EFFICIENCY:
        target = today.target_of(cfg)
        rows.append(
            EfficiencyRow(
                label=label,
                today=fmt_seconds(today.value(snap)),
                window=fmt_seconds(window.value(snap)),
                target="" if target is None else fmt_seconds(target),
                today_verdict=verdict_of(today, today.value(snap), target),
                window_verdict=verdict_of(window, window.value(snap), target),
                id=window.id,
            )
        )
    return tuple(rows)


def _agents(snap: KpiSnapshot | None) -> tuple[AgentRow, ...]:
    return tuple(
        AgentRow(
            name=a.name or f"agent {a.agent_id}",
            calls=fmt_count(a.calls_accepted),
            talk_total=fmt_seconds(a.talk_time_seconds_total),
            talk_mean=fmt_seconds(a.talk_time_seconds_mean),
        )
        for a in t.TOP_AGENTS.value(snap) or ()
    )


def _quality(snap: KpiSnapshot | None, cfg: Config) -> SeriesView:
    days = t.QUALITY_DAILY.value(snap) or ()
    target = t.QUALITY_DAILY.target_of(cfg)
    today = days[-1] if days else None
    rate = None if today is None else today.rate
    calls = "" if today is None else f" of {fmt_count(today.calls)} call" + "s" * (today.calls != 1)
    return SeriesView(
        id=t.QUALITY_DAILY.id,
        title=t.QUALITY_DAILY.label,
        summary=f"today {fmt_ratio(rate)}{calls}",
        dates=tuple(d.date for d in days),
        values=tuple(d.rate for d in days),
        unit="ratio",
        target=target,
        up_is_good=True,
        streams=t.QUALITY_DAILY.streams,
        verdict=verdict_of(t.QUALITY_DAILY, rate, target),
    )


def _unsuccessful(snap: KpiSnapshot | None) -> tuple[str, tuple[Bar, ...], StackView]:
    today = t.UNSUCCESSFUL_TODAY.value(snap)
    daily = t.UNSUCCESSFUL_DAILY.value(snap) or ()
    inbound, answered = t.INBOUND_TODAY.value(snap), t.ANSWERED_TODAY.value(snap)
    line = f"today {fmt_count(inbound)} inbound · {fmt_count(answered)} answered"
    if talk_scope(snap):  # a ticket filter is on: calls are not filtered
        line += f" · {talk_scope(snap)}"
    bars = tuple(
        Bar(
            name,
            0 if today is None else getattr(today, key),
            fmt_count(getattr(today, key, None)),
            key,
        )
        for key, name in REASONS
    )
    stack = StackView(
        dates=tuple(d.date for d in daily),
        labels=tuple(name for _, name in REASONS),
        series=tuple(tuple(getattr(d, key) for d in daily) for key, _ in REASONS),
    )
    return line, bars, stack


def view(
    snap: KpiSnapshot | None,
    cfg: Config,
    now: datetime,
    *,
    unavailable: Collection[str] = (),
    partial: bool = False,
) -> TalkView:
    """What the Talk screen shows. ``unavailable``: streams the account refuses (403/404);
    ``partial``: the history backfill is under way (figures reading past days are marked)."""
    off = ""
    if not cfg.talk.enabled:
        off = OFF_IN_CONFIG
    elif any(s in TALK_STREAMS for s in unavailable):
        off = OFF_ON_ACCOUNT
    line, bars, stack = _unsuccessful(snap)
    shown = TalkView(
        off=off,
        live=_live(snap, cfg),
        calls_today=line,
        unsuccessful_today=bars,
        unsuccessful_daily=stack,
        efficiency=_efficiency(snap, cfg),
        top_agents=_agents(snap),
        quality=_quality(snap, cfg),
    )
    return mark_partial(shown, partial)
