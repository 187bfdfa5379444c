"""Alerting: evaluate the rules on each new data or clock tick, hand the events to the webhook
sender, and say what the UI should show (no Textual here).

Only the process that polls evaluates and posts (:class:`deskwatch.live.roles.Node` as the
collector): viewers show the rules' states the collector published with its data, and toast
what changed between two of them (:func:`transitions`), so N screens never post N webhooks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from deskwatch.config import Config
from deskwatch.kpis.alerts import (
    AlertEvent,
    RuleState,
    evaluate,
    event_of,
    initial,
    resume,
    same_rule,
)
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.webhook import WebhookSender


class Alerting:
    """``states``: where to start (a new collector resumes what its predecessor published, so
    a firing it already notified is not posted again)."""

    def __init__(
        self,
        cfg: Config,
        sender: WebhookSender | None = None,
        states: tuple[RuleState, ...] = (),
    ) -> None:
        self.cfg = cfg
        self.states: tuple[RuleState, ...] = resume(initial(cfg), states)
        self.sender = sender or WebhookSender(cfg)

    def step(self, data: DashboardData, now: datetime) -> tuple[DashboardData, list[AlertEvent]]:
        """``data`` with the rules' new states, and the events notified (already queued for
        the webhooks)."""
        if not self.states:
            return data, []
        self.states, events = evaluate(
            self.states, data.snapshot, data.stale, now, self.cfg, data.partial
        )
        rules = {e.kpi: s.rule for s in self.states for e in events if e.kpi == s.rule.kpi}
        for event in events:
            self.sender.send(event, rules.get(event.kpi))
        return replace(data, alerts=self.states), events


def transitions(
    old: tuple[RuleState, ...], new: tuple[RuleState, ...], account: str
) -> list[AlertEvent]:
    """What a viewer toasts between two published states: a firing the collector notified,
    a notified firing resolved (nothing for the first states a viewer sees)."""
    if not old:
        return []
    before = {same_rule(s.rule): s for s in old}
    events = []
    for s in new:
        was = before.get(same_rule(s.rule))
        if was is None:
            continue
        if s.firing and s.notified is not None and s.notified != was.notified:
            events.append(event_of("firing", s, account))
        elif was.firing and was.announced and not s.firing:
            events.append(event_of("resolved", replace(was, value=s.value), account))
    return events


def status_lines(states: tuple[RuleState, ...]) -> tuple[str, ...]:
    """The firing rules for the status bar ("?" when their data is stale)."""
    return tuple(s.line() + (" ?" if s.unknown else "") for s in states if s.firing)
