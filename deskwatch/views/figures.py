"""Building blocks every dashboard's view uses: a tile, a duration panel, the change vs before.

Pure functions over the typed snapshot and the KPI catalogue; no Textual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from deskwatch.config import Config
from deskwatch.format import (
    DOWN,
    MISSING,
    NO_DELTA,
    UP,
    Delta,
    Verdict,
    delta,
    fmt_count,
    fmt_minutes,
    fmt_ratio,
    fmt_seconds,
    round_half_up,
    versus_target,
)
from deskwatch.kpis.catalogue import CATALOGUE, Kpi, Unit
from deskwatch.kpis.snapshot import (
    DailyStats,
    DurationKpis,
    KpiSnapshot,
    Projection,
    Stats,
    Typical,
)


@dataclass(frozen=True)
class TileView:
    """One number: its value as text (and for big digits), its change and what it is against."""

    id: str
    label: str
    value: str
    digits: str
    delta: Delta
    versus: str
    up_is_good: bool | None
    streams: tuple[str, ...]
    #: the value against its target (good/bad colours the value), neutral without one
    verdict: Verdict = "neutral"
    #: "vs typical": the band so far, e.g. "▲ typ 110 (101–119)" and a short form
    #: ("▲ typ 110") for narrow tiles; "" when the figure has no typical day
    typical: str = ""
    typical_short: str = ""
    typical_verdict: Verdict = "neutral"
    #: a rule on this figure is firing
    alert: bool = False
    #: the figure reads days the history backfill has not finished (see :func:`mark_partial`)
    partial: bool = False


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart: its label, count and the count as shown, and its key: the
    argument of the figure's drill-down that lists the bar's records (None: no list)."""

    label: str
    value: int
    text: str
    key: str | None = None


@dataclass(frozen=True)
class BarsView:
    """A figure broken down into labelled counts (ticket status, by type, by channel)."""

    id: str
    title: str
    bars: tuple[Bar, ...]
    streams: tuple[str, ...]
    partial: bool = False


@dataclass(frozen=True)
class SeriesView:
    """A daily series for a trend chart: one value per window date (None: nothing that day),
    its unit, the target line and which side of it is good, and a one-line summary."""

    id: str
    title: str
    summary: str
    dates: tuple[str, ...]
    values: tuple[float | None, ...]
    unit: Unit
    target: float | None
    up_is_good: bool | None
    streams: tuple[str, ...]
    #: the summary's verdict (good/bad against the target)
    verdict: Verdict = "neutral"
    partial: bool = False
    #: a shorter summary for a panel too narrow for ``summary`` ("": none)
    short: str = ""


NO_HISTORY = "typ: no history"
SYNCING = "typ: syncing"


def typical_texts(
    value: float | None, typical: Typical | None, up_is_good: bool | None
) -> tuple[str, str, Verdict]:
    """The "vs typical" line: where ``value`` stands against the typical band so far."""
    if typical is None:
        return "", "", "neutral"
    q = typical.so_far
    if typical.n == 0 or q.median is None or q.p25 is None or q.p75 is None:
        return NO_HISTORY, NO_HISTORY, "neutral"
    direction: str | None = None
    if value is not None and value > q.p75:
        direction, mark = "up", UP
    elif value is not None and value < q.p25:
        direction, mark = "down", DOWN
    else:
        mark = "≈"
    verdict: Verdict = "neutral"
    if direction is not None and up_is_good is not None:
        verdict = "good" if (direction == "up") == up_is_good else "bad"
    median = fmt_count(round_half_up(q.median))
    band = f"{fmt_count(round_half_up(q.p25))}–{fmt_count(round_half_up(q.p75))}"
    return f"{mark} typ {median} ({band})", f"{mark} typ {median}", verdict


@dataclass(frozen=True)
class ProjectionView:
    """A projected end-of-day total: the expected figure and its range, or why there is none."""

    label: str
    expected: str
    range: str


def projection_view(
    label: str, p: Projection | None, has_snapshot: bool, partial: bool = False
) -> ProjectionView:
    if partial and has_snapshot:
        return ProjectionView(label, "-", "history syncing")
    if p is None:
        why = "too little history" if has_snapshot else ""
        return ProjectionView(label, "-", why)
    low, high = fmt_count(round_half_up(p.low)), fmt_count(round_half_up(p.high))
    return ProjectionView(label, fmt_count(round_half_up(p.expected)), f"{low}–{high}")


@dataclass(frozen=True)
class DurationView:
    """A time figure: STATS for today, yesterday and this month, daily medians and the target."""

    id: str
    label: str
    today: Stats | None
    yesterday: Stats | None
    month_to_date: Stats | None
    daily: tuple[DailyStats, ...]
    target: float | None
    streams: tuple[str, ...]
    partial: bool = False

    @property
    def periods(self) -> dict[str, Stats | None]:
        return {
            "today": self.today,
            "yesterday": self.yesterday,
            "month_to_date": self.month_to_date,
        }


def fmt_value(unit: Unit, value: float | None) -> str:
    """A figure's value in its unit's format ("—" when absent)."""
    if unit == "minutes":
        return fmt_minutes(value)
    if unit == "seconds":
        return fmt_seconds(value)
    if unit == "ratio":
        return fmt_ratio(value)
    if unit == "money":
        return MISSING if value is None else f"{round_half_up(value, 2):,.2f}"
    return fmt_count(value)


def verdict_of(kpi: Kpi[Any], value: float | None, target: float | None) -> Verdict:
    """A value against its target: good when on the good side (or on it), else bad."""
    if kpi.good is None:
        return "neutral"
    return versus_target(value, target, lower_is_better=kpi.good == "down")


def bars(kpi: Kpi[Any], counts: Mapping[str, int], last: str, names: Mapping[str, str]) -> BarsView:
    """``counts`` as bars, largest first (ties by name) with ``last`` (none, unknown) at the
    end; ``names`` renames labels for people ("none" -> "no type")."""
    order = sorted(counts.items(), key=lambda kv: (kv[0] == last, -kv[1], kv[0]))
    return BarsView(
        id=kpi.id,
        title=kpi.label,
        bars=tuple(Bar(names.get(k, k.replace("_", " ")), v, fmt_count(v), k) for k, v in order),
        streams=kpi.streams,
    )


def versus(
    value: float | None, before: float | None, share_of: tuple[str, float | None] | None
) -> str:
    """The text after the change: the figure it is compared with ("vs 114"), else, for a
    figure with no history, its share of a whole ("6% of unsolved"), else nothing."""
    if before is not None:
        return f"vs {fmt_count(before)}"
    if share_of is not None and value is not None:
        name, whole = share_of
        if whole is not None:
            return f"{fmt_ratio(value / whole) if whole else '0%'} of {name}"
    return ""


def tile(
    kpi: Kpi[int],
    snap: KpiSnapshot | None,
    *,
    share_of: Kpi[int] | None = None,
    alert: bool = False,
    partial: bool = False,
) -> TileView:
    """A tile for a count figure: the change vs yesterday when the figure has a history, else
    its share of ``share_of`` (e.g. unassigned as a share of unsolved); "vs typical" when it
    has a typical day (``partial``: the history backfill is under way, so the baseline days
    are not all there yet); ``alert`` when a rule on it fires."""
    value = kpi.value(snap)
    typical, typical_short, typical_verdict = (
        typical_texts(value, kpi.typical_of(snap), kpi.up_is_good)
        if kpi.typical is not None and snap is not None
        else ("", "", "neutral")
    )
    if partial and typical:
        typical, typical_short, typical_verdict = SYNCING, SYNCING, "neutral"
    before = kpi.previous(snap)
    whole = None if share_of is None else (share_of.label.lower(), share_of.value(snap))
    text = fmt_value(kpi.unit, value)
    return TileView(
        id=kpi.id,
        label=kpi.label,
        value=text,
        digits="-" if value is None else text,
        delta=NO_DELTA if before is None else delta(value, before),
        versus=versus(value, before, whole),
        up_is_good=kpi.up_is_good,
        streams=kpi.streams,
        typical=typical,
        typical_short=typical_short,
        typical_verdict=typical_verdict,
        alert=alert,
    )


def duration(kpi: Kpi[DurationKpis], snap: KpiSnapshot | None, cfg: Config) -> DurationView:
    block = kpi.value(snap)
    return DurationView(
        id=kpi.id,
        label=kpi.label,
        today=None if block is None else block.today,
        yesterday=None if block is None else block.yesterday,
        month_to_date=None if block is None else block.month_to_date,
        daily=() if block is None else block.daily,
        target=kpi.target_of(cfg),
        streams=kpi.streams,
    )


def talk_scope(snap: KpiSnapshot | None) -> str:
    """What Talk figures cover while a ticket filter is on: "account-wide" (Zendesk's call
    records carry no group or brand, KPIS.md "Filters"); "" without a filter. The Talk
    screen shows it beside its figures."""
    return "account-wide" if snap is not None and snap.filters is not None else ""


def hours_so_far(now: datetime, cfg: Config) -> int:
    """How many local clock hours of today have started (1 just after midnight, 24 at 23:xx)."""
    if now.tzinfo is not None:
        now = now.astimezone(cfg.account.tz)
    return now.hour + 1


# -- partial: what the history backfill has not reached yet ---------------------------------------

#: the badge of a figure that reads days the history backfill has not finished
PARTIAL = "PARTIAL"
#: the note beside a dashboard's title while the backfill runs
PARTIAL_NOTE = "PARTIAL: history loading"  # short: the KPI title fits 80 columns
V = TypeVar("V")


def reads_history(figure_id: str) -> bool:
    """Whether the catalogue figure ``figure_id`` reads days before today (an id the catalogue
    does not know counts as one: better marked partial than shown as complete)."""
    kpi = CATALOGUE.get(figure_id)
    return kpi is None or not kpi.today_only


def mark_partial(view: V, partial: bool) -> V:
    """``view`` with ``partial`` set on every figure in it (a view dataclass with an ``id``
    and a ``partial`` field, at any depth, in fields or tuples) that reads days before today,
    when ``partial`` (the history backfill is under way). The one place that decides what a
    dashboard marks partial: each view builds its figures as if complete, then passes itself
    through here."""
    if not partial:
        return view
    return _marked(view)


def _marked(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_marked(v) for v in value)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    names = {f.name for f in dataclasses.fields(value)}
    changes = {
        name: _marked(getattr(value, name))
        for name in names
        if isinstance(getattr(value, name), tuple) or dataclasses.is_dataclass(getattr(value, name))
    }
    figure_id = getattr(value, "id", None)
    if "partial" in names and isinstance(figure_id, str) and reads_history(figure_id):
        changes["partial"] = True
    return dataclasses.replace(value, **changes) if changes else value


def badges(*, stale: bool = False, partial: bool = False, alert: bool = False) -> str:
    """A figure's border badges, e.g. "ALERT STALE PARTIAL" ("" when none)."""
    return " ".join(w for w, on in (("ALERT", alert), ("STALE", stale), (PARTIAL, partial)) if on)
