"""Alert rules over catalogue figures: pure evaluation, no I/O, no Textual.

A rule (``[[alerts.rules]]``) names a catalogue id and a condition: ``above`` / ``below`` a
threshold, or ``outside_typical`` (outside the p25-p75 band of the typical day so far). It
*fires* once the condition has held for ``for_minutes``; it *resolves* once the value is back
past the threshold by the hysteresis margin (``[alerts] hysteresis``, a share of the threshold;
of the band's width for ``outside_typical``). While a figure's stream is stale (or there is no
snapshot yet) the rule is *unknown*: it neither fires nor resolves, and the time the condition
held is forgotten. A firing rule notifies (toast, bell, webhook) at most once per
``[alerts] renotify_minutes``; a resolution is notified only after a notified firing.

:func:`evaluate` takes the previous states and gives the new ones and the events to send.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from deskwatch.config import Config, ConfigError
from deskwatch.config.model import AlertRule
from deskwatch.config.text import did_you_mean
from deskwatch.kpis import catalogue
from deskwatch.kpis.catalogue import Kpi
from deskwatch.kpis.snapshot import KpiSnapshot

#: the figures a rule may watch: counts with one value (and, for outside_typical, a typical)
ALERTABLE: dict[str, Kpi[Any]] = {
    kpi.id: kpi
    for kpi in (
        catalogue.CREATED_TODAY,
        catalogue.SOLVED_TODAY,
        catalogue.UNASSIGNED,
        catalogue.OPEN,
        catalogue.PENDING,
        catalogue.UNSOLVED,
        catalogue.ESCALATED,
    )
}

Kind = Literal["firing", "resolved", "test"]


def check_rules(cfg: Config) -> None:
    """Refuse a rule on a figure that is not in the catalogue (with a did-you-mean) or that
    cannot be watched that way: one ConfigError line."""
    where = str(cfg.source) if cfg.source else "config"
    for i, rule in enumerate(cfg.alerts.rules):
        key = f"{where}: alerts.rules[{i}].kpi"
        if rule.kpi not in ALERTABLE:
            if rule.kpi in catalogue.CATALOGUE:
                raise ConfigError(
                    f'{key}: "{rule.kpi}" is not a single count; rules take one of: '
                    + ", ".join(ALERTABLE)
                )
            hint = did_you_mean(rule.kpi, list(ALERTABLE), '; did you mean "{}"?')
            raise ConfigError(f'{key}: found "{rule.kpi}", expected a figure id{hint}')
        if rule.outside_typical and ALERTABLE[rule.kpi].typical is None:
            with_typical = [k for k, kpi in ALERTABLE.items() if kpi.typical is not None]
            raise ConfigError(
                f"{where}: alerts.rules[{i}].outside_typical: {rule.kpi} has no typical day "
                f"(one of: {', '.join(with_typical)})"
            )


def fmt_count(value: float) -> str:
    """A threshold or count as written: 20, 2.5, 1,234."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def rule_name(rule: AlertRule) -> str:
    return rule.name or f"{rule.kpi} {threshold_text(rule)}"


def threshold_text(rule: AlertRule) -> str:
    parts = []
    if rule.above is not None:
        parts.append(f"> {fmt_count(rule.above)}")
    if rule.below is not None:
        parts.append(f"< {fmt_count(rule.below)}")
    if rule.outside_typical:
        parts.append("outside typical")
    return " or ".join(parts)


@dataclass(frozen=True)
class RuleState:
    rule: AlertRule
    firing: bool = False
    unknown: bool = True
    value: float | None = None
    #: since when the condition holds (firing: since it fired)
    since: datetime | None = None
    #: when the last firing was notified (toast, bell, webhook)
    notified: datetime | None = None
    #: this firing was notified (so its resolution is too)
    announced: bool = False

    @property
    def label(self) -> str:
        return ALERTABLE[self.rule.kpi].label

    def line(self) -> str:
        """One line for the status bar and toasts, e.g. "Unassigned 23 > 20"."""
        value = "?" if self.value is None else fmt_count(self.value)
        return f"{self.label} {value} {threshold_text(self.rule)}"


@dataclass(frozen=True)
class AlertEvent:
    """What a notification says (never a secret: the account is its host name only)."""

    kind: Kind
    rule: str
    kpi: str
    value: float | None
    threshold: str
    since: datetime | None
    account: str
    text: str

    def payload(self) -> dict[str, Any]:
        return {
            "event": self.kind,
            "rule": self.rule,
            "kpi": self.kpi,
            "value": self.value,
            "threshold": self.threshold,
            "since": None if self.since is None else self.since.isoformat(),
            "account": self.account,
            "text": self.text,
        }


def initial(cfg: Config) -> tuple[RuleState, ...]:
    return tuple(RuleState(rule) for rule in cfg.alerts.rules)


def same_rule(rule: AlertRule) -> tuple[object, ...]:
    """What makes two processes' rules the same rule (their webhooks aside)."""
    return (rule.kpi, rule.above, rule.below, rule.outside_typical, rule.for_minutes, rule.name)


def resume(fresh: tuple[RuleState, ...], published: Iterable[RuleState]) -> tuple[RuleState, ...]:
    """This config's rules, each in the state another process published for the same rule
    (a new collector goes on where the last one stopped: no second post of a firing)."""
    known = {same_rule(s.rule): s for s in published}
    out = []
    for s in fresh:
        was = known.get(same_rule(s.rule))
        out.append(s if was is None else replace(was, rule=s.rule))
    return tuple(out)


def _band(snap: KpiSnapshot, rule: AlertRule) -> tuple[float, float] | None:
    typical = ALERTABLE[rule.kpi].typical_of(snap)
    if typical is None or typical.n == 0:
        return None
    lo, hi = typical.so_far.p25, typical.so_far.p75
    return None if lo is None or hi is None else (lo, hi)


def breached(rule: AlertRule, value: float, band: tuple[float, float] | None) -> bool:
    if rule.above is not None and value > rule.above:
        return True
    if rule.below is not None and value < rule.below:
        return True
    return band is not None and rule.outside_typical and not band[0] <= value <= band[1]


def cleared(rule: AlertRule, value: float, band: tuple[float, float] | None, h: float) -> bool:
    """Back past every threshold by the hysteresis margin."""
    if rule.above is not None and value > rule.above - h * abs(rule.above):
        return False
    if rule.below is not None and value < rule.below + h * abs(rule.below):
        return False
    if rule.outside_typical and band is not None:
        margin = min(h * (band[1] - band[0]), (band[1] - band[0]) / 2)
        if not band[0] + margin <= value <= band[1] - margin:
            return False
    return True


def evaluate(
    states: Iterable[RuleState],
    snap: KpiSnapshot | None,
    stale: frozenset[str],
    now: datetime,
    cfg: Config,
    partial: bool = False,
) -> tuple[tuple[RuleState, ...], list[AlertEvent]]:
    """The rules' new states at ``now`` and the notifications due (``partial``: the history
    is still being backfilled, so ``outside_typical`` rules are unknown)."""
    out: list[RuleState] = []
    events: list[AlertEvent] = []
    account = account_name(cfg)
    renotify = timedelta(minutes=cfg.alerts.renotify_minutes)
    for s in states:
        rule, kpi = s.rule, ALERTABLE[s.rule.kpi]
        raw = kpi.value(snap)
        if (
            snap is None
            or raw is None
            or set(kpi.streams) & stale
            or (partial and rule.outside_typical)
        ):
            # unknown: neither fires nor resolves; the time the condition held is forgotten
            out.append(replace(s, unknown=True, since=s.since if s.firing else None))
            continue
        value = float(raw)
        band = _band(snap, rule)
        s = replace(s, unknown=False, value=value)
        if not s.firing:
            if not breached(rule, value, band):
                out.append(replace(s, since=None))
                continue
            since = s.since or now
            if now - since < timedelta(minutes=rule.for_minutes):
                out.append(replace(s, since=since))
                continue
            s = replace(s, firing=True, since=since)
            if s.notified is None or now - s.notified >= renotify:
                s = replace(s, notified=now, announced=True)
                events.append(event_of("firing", s, account))
            out.append(s)
            continue
        if cleared(rule, value, band, cfg.alerts.hysteresis):
            if s.announced:
                events.append(event_of("resolved", s, account))
            s = replace(s, firing=False, since=None, announced=False)
        out.append(s)
    return tuple(out), events


def account_name(cfg: Config) -> str:
    """The account as its host name (no credentials, no path)."""
    from urllib.parse import urlsplit

    return urlsplit(cfg.zendesk.base_url).hostname or ""


def event_of(kind: Kind, s: RuleState, account: str) -> AlertEvent:
    """The notification of ``s`` firing or resolved."""
    word = "firing" if kind == "firing" else "resolved"
    return AlertEvent(
        kind=kind,
        rule=rule_name(s.rule),
        kpi=s.rule.kpi,
        value=s.value,
        threshold=threshold_text(s.rule),
        since=s.since,
        account=account,
        text=f"deskwatch {account}: {word}: {s.line()}",
    )


def probe_event(cfg: Config, now: datetime) -> AlertEvent:
    """What ``deskwatch alerts test`` sends."""
    account = account_name(cfg)
    return AlertEvent(
        kind="test",
        rule="test",
        kpi="",
        value=None,
        threshold="",
        since=now,
        account=account,
        text=f"deskwatch {account}: test alert (the webhook works)",
    )
