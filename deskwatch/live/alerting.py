"""The app's alerting step: evaluate the rules on each new data or clock tick, hand the
events to the webhook sender, and say what the UI should show (no Textual here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from deskwatch.config import Config
from deskwatch.kpis.alerts import AlertEvent, RuleState, evaluate, initial
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.webhook import WebhookSender


class Alerting:
    def __init__(self, cfg: Config, sender: WebhookSender | None = None) -> None:
        self.cfg = cfg
        self.states: tuple[RuleState, ...] = initial(cfg)
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


def status_lines(states: tuple[RuleState, ...]) -> tuple[str, ...]:
    """The firing rules for the status bar ("?" when their data is stale)."""
    return tuple(s.line() + (" ?" if s.unknown else "") for s in states if s.firing)
