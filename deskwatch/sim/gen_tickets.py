"""Columnar ticket history: lifecycle, metric sets and satisfaction ratings, all numpy.

Every ticket's state at generation time is one row of the ticket version log; the log is
ordered by ``gen_ts`` (Zendesk's ``generated_timestamp``). Durations are drawn per ticket and
scaled by the assignee's speed and the priority, so timestamps, calendar minutes and business
minutes all agree.
"""

from __future__ import annotations

import numpy as np

from deskwatch.sim.business import business_minutes
from deskwatch.sim.people import People
from deskwatch.sim.table import NULL, Table
from deskwatch.sim.vocab import (
    BAD,
    CLOSED,
    DELETED,
    ESCALATED_BIT,
    GOOD,
    HOLD,
    NEW,
    OFFERED,
    OPEN,
    PENDING,
    SOLVED,
    SUBJECTS,
    TAGS,
    UNOFFERED,
)

HOUR_PROFILE = np.array(
    [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 10, 10, 10, 9, 8, 6, 5, 4, 3, 2, 2, 1], dtype=float
)
WEEKDAY_PROFILE = np.array([1.15, 1.1, 1.05, 1.0, 0.9, 0.4, 0.35])
CLOSE_AFTER = 4 * 86400
CHANNEL_P = [0.33, 0.2, 0.08, 0.12, 0.12, 0.05, 0.10]
TYPE_P = [0.25, 0.35, 0.25, 0.08, 0.07]
PRIORITY_P = [0.25, 0.10, 0.45, 0.16, 0.04]
PRIORITY_FACTOR = np.array([1.0, 1.4, 1.0, 0.55, 0.25])
TAG_P = np.array([0.12, 0.10, 0.05, 0.06, 0.08, 0.07, 0.04, 0.05])
METRIC_COLUMNS = (
    "reply_cal", "reply_bus", "first_cal", "first_bus", "full_cal", "full_bus",
    "agent_wait_cal", "agent_wait_bus", "req_wait_cal", "req_wait_bus", "hold_cal", "hold_bus",
)  # fmt: skip


def seasonal_times(
    rng: np.random.Generator, n: int, *, now: int, days: int, offset: int, hours: np.ndarray
) -> np.ndarray:
    """``n`` sorted epoch seconds over the last ``days`` days with weekday/hour seasonality,
    none later than a minute ago (today holds the share of its hours gone by). Steady: no
    growth over the history, so one day's figures compare with another's like a real
    helpdesk's (weekday and hour aside)."""
    local_midnight_today = (now + offset) // 86400 * 86400 - offset
    first_day = local_midnight_today - (days - 1) * 86400
    weekdays = (((first_day + offset) // 86400 + np.arange(days)) + 3) % 7
    day_w = WEEKDAY_PROFILE[weekdays]
    p_day, p_hour = day_w / day_w.sum(), hours / hours.sum()

    def draw(k: int) -> np.ndarray:
        day = rng.choice(days, k, p=p_day)
        hour = rng.choice(24, k, p=p_hour)
        return first_day + day * 86400 + hour * 3600 + rng.integers(0, 3600, k)

    t = draw(n)
    # a time still to come today is drawn again (the same law, given "before now"): moving
    # it to another day instead piled a whole day's volume onto one day of the history
    for _ in range(100):
        late = t >= now - 60
        if not late.any():
            break
        t[late] = draw(int(late.sum()))
    t = np.minimum(t, now - 60)
    t = np.maximum(t, first_day)
    t.sort()
    return t.astype(np.int64)


class ActivityClock:
    """Time as the helpdesk works it: weekday x hour activity (the same profiles tickets
    arrive by), normalised to 1 on average. A duration drawn "at average pace" ends later
    when it spans a night or a weekend, so tickets are solved at the pace they arrive and
    the backlog is steady: about the same at any hour of any day."""

    def __init__(self, start: int, end: int, offset: int) -> None:
        self.t = np.arange(start - start % 3600, end + 3600, 3600, dtype=np.int64)
        local = self.t[:-1] + offset
        rate = WEEKDAY_PROFILE[((local // 86400) + 3) % 7] * HOUR_PROFILE[(local // 3600) % 24]
        rate = rate / rate.mean()
        self.a = np.concatenate([[0.0], np.cumsum(rate * 3600.0)])

    def after(self, t: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """The times ``seconds`` of average-pace work after ``t`` (past the clock's end: its
        end, which is in the future anyway)."""
        a = np.interp(t.astype(np.float64), self.t, self.a) + seconds
        return np.interp(a, self.a, self.t).astype(np.int64)


def _minutes(seconds: np.ndarray) -> np.ndarray:
    return (np.maximum(seconds, 0) // 60).astype(np.int32)


def generate_tickets(
    rng: np.random.Generator,
    people: People,
    *,
    n: int,
    now: int,
    days: int,
    offset: int,
    n_end_users: int,
) -> tuple[Table, Table]:
    """Return ``(ticket_log, ratings)``; ticket ids are 1..n in creation order."""
    c = seasonal_times(rng, n, now=now, days=days, offset=offset, hours=HOUR_PROFILE)
    channel = rng.choice(7, n, p=CHANNEL_P).astype(np.int8)
    ttype = rng.choice(5, n, p=TYPE_P).astype(np.int8)
    prio = rng.choice(5, n, p=PRIORITY_P).astype(np.int8)
    n_groups = len(people.group_ids)
    group = rng.integers(0, n_groups, n).astype(np.int16)
    # an agent of the ticket's group
    members = [people.agents_in_group(g) for g in range(n_groups)]
    sizes = np.array([len(m) for m in members])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(members)
    assignee = flat[offsets[group] + (rng.random(n) * sizes[group]).astype(np.int64)]
    speed = people.agent_speed[assignee] * PRIORITY_FACTOR[prio]
    quality = people.agent_quality[assignee]

    slow_triage = np.where(rng.random(n) < 0.03, 30.0, 1.0)  # a small unassigned backlog
    # every step takes its time in the helpdesk's working time (ActivityClock): a ticket of
    # Friday evening is answered on Monday, and the backlog stays level
    work = ActivityClock(int(c[0]) if n else now, now + 60 * 86400, offset)
    t_assign = work.after(c, 30 + rng.exponential(1200, n) * slow_triage * PRIORITY_FACTOR[prio])
    t_reply = work.after(t_assign, rng.lognormal(np.log(5400), 1.0, n) * speed)
    t_solve1 = work.after(t_reply, rng.lognormal(np.log(16 * 3600), 1.1, n) * speed)
    reopened = rng.random(n) < 0.04 + 0.12 * (1 - quality)
    t_reopen = work.after(t_solve1, rng.lognormal(np.log(20 * 3600), 0.8, n))
    t_solve2 = work.after(t_reopen, rng.lognormal(np.log(8 * 3600), 1.0, n) * speed)

    stage = np.zeros(n, dtype=np.int8)
    stage[t_assign <= now] = 1
    stage[t_reply <= now] = 2
    stage[t_solve1 <= now] = 3
    stage[reopened & (t_reopen <= now)] = 4
    stage[reopened & (t_solve2 <= now)] = 5
    solved_at = np.where(stage == 5, t_solve2, np.where(stage == 3, t_solve1, NULL))
    is_solved = solved_at != NULL
    closed = is_solved & (now - solved_at > CLOSE_AFTER)

    status = np.full(n, NEW, dtype=np.int8)
    status[stage == 1] = OPEN
    waiting = stage == 2
    status[waiting] = np.array([PENDING, OPEN, HOLD], dtype=np.int8)[
        rng.choice(3, int(waiting.sum()), p=[0.5, 0.35, 0.15])
    ]
    status[stage == 4] = OPEN
    status[is_solved] = SOLVED
    status[closed] = CLOSED
    last_event = np.select(
        [stage == 0, stage == 1, stage == 2, stage == 4],
        [c, t_assign, t_reply, t_reopen],
        solved_at,
    )
    updated = np.where(closed, solved_at + CLOSE_AFTER, last_event)

    replied = stage >= 2
    replies = np.where(replied, 1 + rng.geometric(0.55, n) - 1, 0) + (stage >= 4)
    cols: dict[str, np.ndarray] = {
        name: np.full(n, NULL, dtype=np.int32) for name in METRIC_COLUMNS
    }
    cols["reply_cal"][replied] = _minutes(t_reply - c)[replied]
    cols["reply_bus"][replied] = business_minutes(c, t_reply, offset)[replied]
    first_done = stage >= 3
    cols["first_cal"][first_done] = _minutes(t_solve1 - c)[first_done]
    cols["first_bus"][first_done] = business_minutes(c, t_solve1, offset)[first_done]
    full_t = np.where(stage == 5, t_solve2, t_solve1)
    cols["full_cal"][first_done] = _minutes(full_t - c)[first_done]
    cols["full_bus"][first_done] = business_minutes(c, full_t, offset)[first_done]
    # waits: pending share of the worked span is agent wait, the rest requester wait
    ref = np.where(is_solved, solved_at, last_event)
    solved_gap = np.where(stage >= 4, np.minimum(t_reopen, ref) - t_solve1, 0)
    span = np.maximum(ref - c - solved_gap, 0)
    worked = np.maximum(ref - t_reply - solved_gap, 0)
    pend = np.where(rng.random(n) < 0.6, rng.uniform(0.1, 0.5, n), 0.0) * worked
    hold = np.where(rng.random(n) < 0.08, rng.uniform(0.05, 0.3, n), 0.0) * worked
    bus_ratio = business_minutes(c, ref, offset) / np.maximum(_minutes(ref - c), 1)
    cols["agent_wait_cal"][replied] = _minutes(pend)[replied]
    cols["agent_wait_bus"][replied] = (_minutes(pend) * bus_ratio).astype(np.int32)[replied]
    cols["req_wait_cal"][replied] = _minutes(span - pend)[replied]
    cols["req_wait_bus"][replied] = (_minutes(span - pend) * bus_ratio).astype(np.int32)[replied]
    cols["hold_cal"][:] = np.where(replied, _minutes(hold), 0)
    cols["hold_bus"][:] = np.where(replied, (_minutes(hold) * bus_ratio).astype(np.int32), 0)

    tag_bits = (rng.random((n, len(TAGS))) < TAG_P) @ (1 << np.arange(len(TAGS)))
    escalate = ((prio >= 3) & (rng.random(n) < 0.25)) | (reopened & (rng.random(n) < 0.3))
    tags = (tag_bits | np.where(escalate, ESCALATED_BIT, 0)).astype(np.int16)

    # satisfaction: offered an hour after the solve, answered some hours later, a few changed
    sat = np.full(n, NULL, dtype=np.int8)
    sat[is_solved] = UNOFFERED
    offered_at = solved_at + 3600
    offered = is_solved & (rng.random(n) < 0.5) & (offered_at < now)
    rated_at = offered_at + rng.lognormal(np.log(6 * 3600), 1.0, n).astype(np.int64)
    answered = offered & (rng.random(n) < 0.55) & (rated_at < now)
    good = rng.random(n) < quality - 0.1 * escalate
    changed_at = rated_at + rng.lognormal(np.log(24 * 3600), 0.7, n).astype(np.int64)
    changed = answered & (rng.random(n) < 0.06) & (changed_at < now)
    good = np.where(changed, ~good, good)
    sat[offered] = OFFERED
    sat[answered] = np.where(good, GOOD, BAD)[answered]
    r_updated = np.where(changed, changed_at, np.where(answered, rated_at, offered_at))
    updated = np.where(offered, np.maximum(updated, r_updated), updated)

    deleted = (rng.random(n) < 0.003) & (c < now - 86400)
    status[deleted] = DELETED
    updated[deleted] = np.minimum(c + rng.integers(3600, 3 * 86400, n), now - 60)[deleted]
    sat[deleted] = NULL
    offered &= ~deleted
    assigned = (stage >= 1) & ~deleted

    ticket_ids = np.arange(1, n + 1, dtype=np.int64)
    r_idx = np.flatnonzero(offered)
    rating_row = np.full(n, NULL, dtype=np.int32)
    rating_row[r_idx] = np.arange(len(r_idx), dtype=np.int32)
    ratings = Table(
        {
            "rating_id": 7_000_000_000_000 + np.arange(len(r_idx), dtype=np.int64),
            "ticket_id": ticket_ids[r_idx],
            "assignee": assignee[r_idx].astype(np.int32),
            "group": group[r_idx],
            "requester": np.zeros(len(r_idx), dtype=np.int32),  # filled below
            "score": sat[r_idx].astype(np.int8),
            "created": offered_at[r_idx].astype(np.int64),
            "updated": r_updated[r_idx].astype(np.int64),
            "comment": np.where(sat[r_idx] >= GOOD, rng.integers(0, 5, len(r_idx)), 0).astype(
                np.int8
            ),
        }
    )
    requester = rng.integers(0, n_end_users, n).astype(np.int32)
    ratings.cols["requester"][: len(r_idx)] = requester[r_idx]
    final_status_time = np.where(closed, solved_at + CLOSE_AFTER, last_event)
    log_cols: dict[str, np.ndarray] = {
        "ticket_id": ticket_ids,
        "gen_ts": updated.astype(np.int64),
        "created": c,
        "updated": updated.astype(np.int64),
        "status": status,
        "type": ttype,
        "priority": prio,
        "channel": channel,
        "assignee": np.where(assigned, assignee, NULL).astype(np.int32),
        "group": group,
        "brand": (rng.random(n) < 0.3).astype(np.int8),
        "requester": requester,
        "org": np.where(rng.random(n) < 0.6, rng.integers(0, 20, n), NULL).astype(np.int16),
        "tags": tags,
        "subject": rng.integers(0, len(SUBJECTS), n).astype(np.int16),
        "sat": sat,
        "rating": rating_row,
        "assigned_at": np.where(assigned, t_assign, NULL).astype(np.int64),
        "initially_assigned_at": np.where(assigned, t_assign, NULL).astype(np.int64),
        "solved_at": np.where(deleted, NULL, solved_at).astype(np.int64),
        "latest_comment": np.where(stage <= 1, c, np.minimum(last_event, updated)),
        "status_updated": np.where(deleted, updated, final_status_time).astype(np.int64),
        "replies": replies.astype(np.int16),
        "reopens": (stage >= 4).astype(np.int16),
        **cols,
    }
    order = np.argsort(log_cols["gen_ts"], kind="stable")
    return Table({k: v[order] for k, v in log_cols.items()}), ratings


__all__ = ["BAD", "METRIC_COLUMNS", "generate_tickets", "seasonal_times"]
