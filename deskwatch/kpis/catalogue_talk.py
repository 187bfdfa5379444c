"""The KPI catalogue's Talk figures (the Talk dashboard); see :mod:`deskwatch.kpis.catalogue`.

Every figure reads None when Talk is off (``snapshot.talk`` is None) and the live queue figures
also when no queue was fetched yet. Live figures come from the queue and agents activity (10 s
cadence); the rest from calls and legs over today and the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from deskwatch.kpis.drill import Drill
from deskwatch.kpis.figure import Kpi
from deskwatch.kpis.snapshot import (
    Efficiency,
    KpiSnapshot,
    Outcomes,
    OutcomesDay,
    QualityDay,
    Queue,
    TalkKpis,
    TopAgent,
)
from deskwatch.kpis.talk import UNSUCCESSFUL
from deskwatch.store.schema import OUTCOMES

T = TypeVar("T")
QUEUE = ("queue",)
ACTIVITY = ("agents_activity",)
CALLS = ("calls",)
LEGS = ("legs",)


def _talk(get: Callable[[TalkKpis], T]) -> Callable[[KpiSnapshot], T | None]:
    return lambda s: None if s.talk is None else get(s.talk)


def _queue(get: Callable[[Queue], T]) -> Callable[[KpiSnapshot], T | None]:
    return lambda s: None if s.talk is None or s.talk.queue is None else get(s.talk.queue)


def _eff(rng: str, get: Callable[[Efficiency], T]) -> Callable[[KpiSnapshot], T | None]:
    return lambda s: None if s.talk is None else get(getattr(s.talk.efficiency, rng))


MEAN = "a mean of call times, not a count: Enter on Inbound or Answered lists the calls"

CALLS_WAITING: Kpi[float | None] = Kpi(
    id="talk.queue.calls_waiting",
    today_only=True,
    label="Calls waiting",
    unit="count",
    good="down",
    streams=QUEUE,
    read=_queue(lambda q: q.calls_waiting),
    help="Callers in the queue now (current queue activity)",
    unlisted="a live figure of Zendesk's queue: it has no records to list",
)

CALLBACKS_WAITING: Kpi[float | None] = Kpi(
    id="talk.queue.callbacks_waiting",
    today_only=True,
    label="Callbacks waiting",
    unit="count",
    good="down",
    streams=QUEUE,
    read=_queue(lambda q: q.callbacks_waiting),
    help="Callback requests waiting now",
    unlisted="a live figure of Zendesk's queue: it has no records to list",
)

LONGEST_WAIT: Kpi[float | None] = Kpi(
    id="talk.queue.longest_wait_time",
    today_only=True,
    label="Longest wait",
    unit="seconds",
    good="down",
    streams=QUEUE,
    read=_queue(lambda q: q.longest_wait_time),
    target=lambda cfg: cfg.targets.wait_seconds or None,
    help="The longest wait of a caller in the queue now",
    unlisted="a live figure of Zendesk's queue: it has no records to list",
)

AVERAGE_WAIT: Kpi[float | None] = Kpi(
    id="talk.queue.average_wait_time",
    today_only=True,
    label="Average wait",
    unit="seconds",
    good="down",
    streams=QUEUE,
    read=_queue(lambda q: q.average_wait_time),
    target=lambda cfg: cfg.targets.wait_seconds or None,
    help="The average wait of callers in the queue now",
    unlisted="a live figure of Zendesk's queue: it has no records to list",
)

AGENTS_ONLINE: Kpi[float | None] = Kpi(
    id="talk.queue.agents_online",
    today_only=True,
    label="Agents online",
    unit="count",
    good="up",
    streams=QUEUE,
    read=_queue(lambda q: q.agents_online),
    help="Talk agents online now (current queue activity)",
    unlisted="a live figure of Zendesk's queue: it has no records to list",
)

AGENTS_AVAILABLE: Kpi[int | None] = Kpi(
    id="ops.agents_available",
    today_only=True,
    label="Available",
    unit="count",
    good="up",
    streams=ACTIVITY,
    read=lambda s: s.ops.agents_available,
    help="Agents online and not on a call or wrapping up (agents activity)",
    unlisted="live agent states (the Agents board shows each agent's)",
)

AGENTS_ON_CALL: Kpi[int | None] = Kpi(
    id="ops.agents_on_call",
    today_only=True,
    label="On a call",
    unit="count",
    good=None,
    streams=ACTIVITY,
    read=lambda s: s.ops.agents_on_call,
    help="Agents on a call now (agents activity call_status on_call)",
    unlisted="live agent states (the Agents board shows each agent's)",
)

UTILIZATION_TODAY: Kpi[float | None] = Kpi(
    id="talk.utilization_today",
    today_only=True,
    label="Utilization today",
    unit="ratio",
    good=None,
    streams=ACTIVITY,
    read=_talk(lambda t: t.utilization_today),
    help="(talk + wrap-up time) / online time of the agents today",
    unlisted="a ratio of agents' times, not a count of calls",
)

INBOUND_TODAY: Kpi[int | None] = Kpi(
    id="talk.inbound.today",
    today_only=True,
    label="Inbound today",
    unit="count",
    good=None,
    streams=CALLS,
    read=_talk(lambda t: t.inbound.today),
    help="Inbound calls since local midnight",
    drill=Drill("calls", span="today", stream="calls", by="outcome", values=OUTCOMES),
)

INBOUND_WINDOW: Kpi[int | None] = Kpi(
    id="talk.inbound.window",
    label="Inbound",
    unit="count",
    good=None,
    streams=CALLS,
    read=_talk(lambda t: t.inbound.window),
    help="Inbound calls in the window",
    drill=Drill("calls", span="window", stream="calls", by="outcome", values=OUTCOMES),
)

ANSWERED_TODAY: Kpi[int | None] = Kpi(
    id="talk.answered.today",
    today_only=True,
    label="Answered today",
    unit="count",
    good="up",
    streams=CALLS,
    read=_talk(lambda t: t.answered.today),
    help="Inbound calls answered since local midnight",
    drill=Drill("calls", span="today", stream="calls", by="outcome", values=("answered",)),
)

ANSWERED_WINDOW: Kpi[int | None] = Kpi(
    id="talk.answered.window",
    label="Answered",
    unit="count",
    good="up",
    streams=CALLS,
    read=_talk(lambda t: t.answered.window),
    help="Inbound calls answered in the window",
    drill=Drill("calls", span="window", stream="calls", by="outcome", values=("answered",)),
)

UNSUCCESSFUL_TODAY: Kpi[Outcomes | None] = Kpi(
    id="talk.unsuccessful.today",
    today_only=True,
    label="Unsuccessful today",
    unit="count",
    good="down",
    streams=CALLS,
    read=_talk(lambda t: t.unsuccessful.today),
    help="Inbound calls not answered today, by reason",
    drill=Drill("calls", span="today", stream="calls", by="outcome"),
)

UNSUCCESSFUL_WINDOW: Kpi[Outcomes | None] = Kpi(
    id="talk.unsuccessful.window",
    label="Unsuccessful",
    unit="count",
    good="down",
    streams=CALLS,
    read=_talk(lambda t: t.unsuccessful.window),
    help="Inbound calls not answered in the window, by reason",
    drill=Drill("calls", span="window", stream="calls", by="outcome"),
)

UNSUCCESSFUL_DAILY: Kpi[tuple[OutcomesDay, ...] | None] = Kpi(
    id="talk.unsuccessful.daily",
    label="Unsuccessful by day",
    unit="count",
    good="down",
    streams=CALLS,
    read=_talk(lambda t: t.unsuccessful.daily),
    help="Unsuccessful inbound calls of each day of the window, by reason",
    drill=Drill("calls", span="day", stream="calls", by="outcome", values=UNSUCCESSFUL),
    lists=lambda s: tuple(
        (d.date, d.exceeded_wait + d.voicemail + d.abandoned + d.not_answered)
        for d in (s.talk.unsuccessful.daily if s.talk else ())
    ),
)

TIME_TO_ANSWER_TODAY: Kpi[float | None] = Kpi(
    id="talk.efficiency.today.time_to_answer_seconds_mean",
    today_only=True,
    label="Time to answer today",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("today", lambda e: e.time_to_answer_seconds_mean),
    target=lambda cfg: cfg.targets.answer_seconds,
    help="Today, answered inbound calls: mean seconds to answer",
    unlisted=MEAN,
)

WAIT_TIME_TODAY: Kpi[float | None] = Kpi(
    id="talk.efficiency.today.wait_time_seconds_mean",
    today_only=True,
    label="Wait today",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("today", lambda e: e.wait_time_seconds_mean),
    target=lambda cfg: cfg.targets.wait_seconds or None,
    help="Today, all inbound calls: mean seconds in the queue",
    unlisted=MEAN,
)

TALK_TIME_TODAY: Kpi[float | None] = Kpi(
    id="talk.efficiency.today.talk_time_seconds_mean",
    today_only=True,
    label="Talk today",
    unit="seconds",
    good=None,
    streams=CALLS,
    read=_eff("today", lambda e: e.talk_time_seconds_mean),
    help="Today, answered inbound calls: mean talk seconds",
    unlisted=MEAN,
)

HOLD_TIME_TODAY: Kpi[float | None] = Kpi(
    id="talk.efficiency.today.hold_time_seconds_mean",
    today_only=True,
    label="Hold today",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("today", lambda e: e.hold_time_seconds_mean),
    target=lambda cfg: cfg.targets.hold_seconds or None,
    help="Today, answered inbound calls: mean seconds on hold",
    unlisted=MEAN,
)

WRAP_UP_TIME_TODAY: Kpi[float | None] = Kpi(
    id="talk.efficiency.today.wrap_up_time_seconds_mean",
    today_only=True,
    label="Wrap-up today",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("today", lambda e: e.wrap_up_time_seconds_mean),
    target=lambda cfg: cfg.targets.wrap_up_seconds or None,
    help="Today, answered inbound calls: mean wrap-up seconds",
    unlisted=MEAN,
)

LEG_TALK_TIME_TODAY: Kpi[float | None] = Kpi(
    id="talk.efficiency.today.leg_talk_time_seconds_mean",
    today_only=True,
    label="Leg talk today",
    unit="seconds",
    good=None,
    streams=LEGS,
    read=_eff("today", lambda e: e.leg_talk_time_seconds_mean),
    help="Today, agent legs that talked: mean talk seconds per leg",
    unlisted=MEAN,
)

TIME_TO_ANSWER_WINDOW: Kpi[float | None] = Kpi(
    id="talk.efficiency.window.time_to_answer_seconds_mean",
    label="Time to answer (window)",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("window", lambda e: e.time_to_answer_seconds_mean),
    target=lambda cfg: cfg.targets.answer_seconds,
    help="In the window, answered inbound calls: mean seconds to answer",
    unlisted=MEAN,
)

WAIT_TIME_WINDOW: Kpi[float | None] = Kpi(
    id="talk.efficiency.window.wait_time_seconds_mean",
    label="Wait (window)",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("window", lambda e: e.wait_time_seconds_mean),
    target=lambda cfg: cfg.targets.wait_seconds or None,
    help="In the window, all inbound calls: mean seconds in the queue",
    unlisted=MEAN,
)

TALK_TIME_WINDOW: Kpi[float | None] = Kpi(
    id="talk.efficiency.window.talk_time_seconds_mean",
    label="Talk (window)",
    unit="seconds",
    good=None,
    streams=CALLS,
    read=_eff("window", lambda e: e.talk_time_seconds_mean),
    help="In the window, answered inbound calls: mean talk seconds",
    unlisted=MEAN,
)

HOLD_TIME_WINDOW: Kpi[float | None] = Kpi(
    id="talk.efficiency.window.hold_time_seconds_mean",
    label="Hold (window)",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("window", lambda e: e.hold_time_seconds_mean),
    target=lambda cfg: cfg.targets.hold_seconds or None,
    help="In the window, answered inbound calls: mean seconds on hold",
    unlisted=MEAN,
)

WRAP_UP_TIME_WINDOW: Kpi[float | None] = Kpi(
    id="talk.efficiency.window.wrap_up_time_seconds_mean",
    label="Wrap-up (window)",
    unit="seconds",
    good="down",
    streams=CALLS,
    read=_eff("window", lambda e: e.wrap_up_time_seconds_mean),
    target=lambda cfg: cfg.targets.wrap_up_seconds or None,
    help="In the window, answered inbound calls: mean wrap-up seconds",
    unlisted=MEAN,
)

LEG_TALK_TIME_WINDOW: Kpi[float | None] = Kpi(
    id="talk.efficiency.window.leg_talk_time_seconds_mean",
    label="Leg talk (window)",
    unit="seconds",
    good=None,
    streams=LEGS,
    read=_eff("window", lambda e: e.leg_talk_time_seconds_mean),
    help="In the window, agent legs that talked: mean talk seconds per leg",
    unlisted=MEAN,
)

TOP_AGENTS: Kpi[tuple[TopAgent, ...] | None] = Kpi(
    id="talk.top_agents",
    label="Top agents by calls",
    unit="count",
    good="up",
    streams=CALLS,
    read=_talk(lambda t: t.top_agents),
    help="Up to 8 agents with the most answered inbound calls in the window, with talk time",
    drill=Drill("accepted", span="window", stream="calls", agent=True),
    lists=lambda s: tuple(
        (a.agent_id, a.calls_accepted) for a in (s.talk.top_agents if s.talk else ())
    ),
)

QUALITY_DAILY: Kpi[tuple[QualityDay, ...] | None] = Kpi(
    id="talk.quality_daily",
    label="Call quality by day",
    unit="ratio",
    good="up",
    streams=CALLS,
    read=_talk(lambda t: t.quality_daily),
    target=lambda cfg: cfg.targets.quality or None,
    help="Share of completed calls without quality issues, each day of the window",
    unlisted="a daily share of calls: Enter on Answered lists the calls",
)

#: every Talk figure, in the order the dashboard shows them
TALK_FIGURES: tuple[Kpi[Any], ...] = (
    CALLS_WAITING,
    CALLBACKS_WAITING,
    LONGEST_WAIT,
    AVERAGE_WAIT,
    AGENTS_ONLINE,
    AGENTS_AVAILABLE,
    AGENTS_ON_CALL,
    UTILIZATION_TODAY,
    INBOUND_TODAY,
    INBOUND_WINDOW,
    ANSWERED_TODAY,
    ANSWERED_WINDOW,
    UNSUCCESSFUL_TODAY,
    UNSUCCESSFUL_WINDOW,
    UNSUCCESSFUL_DAILY,
    TIME_TO_ANSWER_TODAY,
    WAIT_TIME_TODAY,
    TALK_TIME_TODAY,
    HOLD_TIME_TODAY,
    WRAP_UP_TIME_TODAY,
    LEG_TALK_TIME_TODAY,
    TIME_TO_ANSWER_WINDOW,
    WAIT_TIME_WINDOW,
    TALK_TIME_WINDOW,
    HOLD_TIME_WINDOW,
    WRAP_UP_TIME_WINDOW,
    LEG_TALK_TIME_WINDOW,
    TOP_AGENTS,
    QUALITY_DAILY,
)
