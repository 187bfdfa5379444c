"""Columnar Talk history: calls and their legs, ordered by ``updated`` (the export order)."""

from __future__ import annotations

import numpy as np

from deskwatch.sim.business import is_business_time
from deskwatch.sim.gen_tickets import seasonal_times
from deskwatch.sim.table import NULL, Table
from deskwatch.sim.vocab import (
    C_AB_HOLD,
    C_AB_IVR,
    C_AB_QUEUE,
    C_AB_VOICEMAIL,
    C_COMPLETED,
    C_EXCEEDED,
    C_FAILED,
    C_VOICEMAIL,
    INBOUND,
    LEG_AGENT,
    LEG_CUSTOMER,
    OUTBOUND,
)

CALL_ID_BASE = 360_100_000_000
LEG_ID_BASE = 360_200_000_000
PHONE_NUMBER_IDS = (360_000_121_575, 360_000_121_576)
CALL_HOURS = np.array(
    [0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1, 3, 8, 11, 12, 12, 10, 11, 11, 10, 8, 5, 3, 2, 1, 1, 0.6, 0.4]
)
INBOUND_STATUS_P = {
    C_COMPLETED: 0.77,
    C_AB_QUEUE: 0.08,
    C_AB_IVR: 0.025,
    C_AB_HOLD: 0.01,
    C_AB_VOICEMAIL: 0.01,
    C_FAILED: 0.01,
    C_VOICEMAIL: 0.055,
    C_EXCEEDED: 0.04,
}
QUALITY_P = [0.9, 0.04, 0.03, 0.01, 0.02]
CALL_COLUMNS = (
    "call_id", "created", "updated", "direction", "status", "agent", "ticket_id", "phone",
    "duration", "wait", "tta", "talk", "hold", "wrap", "consult", "quality", "voicemail",
    "exceeded", "outside", "callback", "billed", "ivr",
)  # fmt: skip


def _agents_on_shift(
    rng: np.random.Generator, created: np.ndarray, shift_start: np.ndarray, offset: int
) -> np.ndarray:
    """For each call an agent whose 9-hour shift covers its local hour (anyone at night)."""
    hour = ((created + offset) % 86400) // 3600
    agent = rng.integers(0, len(shift_start), len(created)).astype(np.int32)
    for h in range(24):
        pool = np.flatnonzero((shift_start <= h) & (h < shift_start + 9))
        at_h = hour == h
        if len(pool) and at_h.any():
            agent[at_h] = pool[rng.integers(0, len(pool), int(at_h.sum()))]
    return agent


def call_fields(
    rng: np.random.Generator,
    created: np.ndarray,
    *,
    agent_speed: np.ndarray,
    shift_start: np.ndarray,
    n_tickets: int,
    offset: int,
    busy: float = 1.0,
) -> dict[str, np.ndarray]:
    """Every call column for calls that started at ``created`` (``busy`` > 1 means longer waits)."""
    n = len(created)
    direction = np.where(rng.random(n) < 0.8, INBOUND, OUTBOUND).astype(np.int8)
    statuses = np.array(list(INBOUND_STATUS_P))
    p = np.array(list(INBOUND_STATUS_P.values()))
    status = statuses[rng.choice(len(statuses), n, p=p / p.sum())].astype(np.int8)
    out = direction == OUTBOUND
    status[out] = np.where(rng.random(int(out.sum())) < 0.88, C_COMPLETED, C_FAILED)
    answered = status == C_COMPLETED
    agent = _agents_on_shift(rng, created, shift_start, offset)
    agent[~answered] = NULL
    speed = np.where(answered, agent_speed[np.maximum(agent, 0)], 1.0)
    queued = (direction == INBOUND) & (status != C_AB_IVR) & (status != C_FAILED)
    wait = np.where(queued, rng.lognormal(np.log(35 * busy), 0.8, n), 0).astype(np.int32)
    wait[status == C_AB_QUEUE] += 60
    wait[status == C_EXCEEDED] = 300 + rng.integers(0, 120, int((status == C_EXCEEDED).sum()))
    ivr = np.where(direction == INBOUND, rng.integers(5, 40, n), NULL).astype(np.int32)
    ring = rng.integers(3, 20, n)
    inbound_answered = answered & (direction == INBOUND)
    tta = np.where(inbound_answered, wait + ring, NULL).astype(np.int32)
    talk = np.where(answered, rng.lognormal(np.log(280), 0.6, n) * speed**0.5, NULL).astype(
        np.int32
    )
    hold = np.where(answered & (rng.random(n) < 0.2), rng.lognormal(np.log(60), 0.6, n), 0)
    hold = hold.astype(np.int32)
    wrap = np.where(answered, rng.lognormal(np.log(50), 0.5, n) * speed, 0).astype(np.int32)
    consult = np.where(answered & (rng.random(n) < 0.05), rng.integers(20, 200, n), 0)
    voicemail = np.isin(status, [C_VOICEMAIL, C_AB_VOICEMAIL, C_EXCEEDED]) & (rng.random(n) < 0.9)
    vm_time = np.where(voicemail, rng.integers(10, 90, n), 0)
    duration = np.where(
        status == C_FAILED,
        rng.integers(1, 30, n),
        np.maximum(ivr, 0) + wait + np.maximum(talk, 0) + hold + vm_time,
    ).astype(np.int32)
    exceeded = np.where(direction == INBOUND, status == C_EXCEEDED, NULL).astype(np.int8)
    callback = np.where(inbound_answered, rng.random(n) < 0.04, 0).astype(np.int8)
    callback[status == C_FAILED] = NULL
    ticketed = (inbound_answered | voicemail) & (rng.random(n) < 0.7)
    ticket_id = np.where(ticketed, rng.integers(1, max(n_tickets, 1) + 1, n), NULL)
    return {
        "created": created.astype(np.int64),
        "updated": (created + duration + wrap + rng.integers(5, 60, n)).astype(np.int64),
        "direction": direction,
        "status": status,
        "agent": agent,
        "ticket_id": ticket_id.astype(np.int64),
        "phone": (rng.random(n) < 0.3).astype(np.int8),
        "duration": duration,
        "wait": wait,
        "tta": tta,
        "talk": talk,
        "hold": hold,
        "wrap": wrap,
        "consult": consult.astype(np.int32),
        "quality": rng.choice(5, n, p=QUALITY_P).astype(np.int8),
        "voicemail": voicemail.astype(np.int8),
        "exceeded": exceeded,
        "outside": (~is_business_time(created, offset)).astype(np.int8),
        "callback": callback,
        "billed": ((duration + 59) // 60).astype(np.int32),
        "ivr": ivr,
    }


def generate_calls(
    rng: np.random.Generator,
    *,
    n: int,
    now: int,
    days: int,
    offset: int,
    agent_speed: np.ndarray,
    shift_start: np.ndarray,
    n_tickets: int,
) -> tuple[Table, Table]:
    """Return ``(calls, legs)`` for ``n`` finished calls; only calls updated before now."""
    drawn = n + n // 100 + 10  # a few land after "now" once spaced out; drop extras below
    created = seasonal_times(rng, drawn, now=now, days=days, offset=offset, hours=CALL_HOURS)
    f = call_fields(
        rng, created, agent_speed=agent_speed, shift_start=shift_start, n_tickets=n_tickets,
        offset=offset,
    )  # fmt: skip
    order = np.argsort(f["updated"], kind="stable")
    f = {k: v[order] for k, v in f.items()}
    # distinct update times 2 s apart (the agent leg takes +1 s): a time-based page that
    # starts at the last record's time returns exactly that record, as clients expect
    step = 2 * np.arange(len(order), dtype=np.int64)
    f["updated"] = np.maximum.accumulate(f["updated"] - step) + step
    keep = np.flatnonzero(f["updated"] < now - 2)
    if len(keep) > n:
        keep = np.sort(rng.choice(keep, n, replace=False))
    f = {k: v[keep] for k, v in f.items()}
    # ids follow creation order, rows follow update order
    f["call_id"] = CALL_ID_BASE + np.argsort(np.argsort(f["created"], kind="stable"))
    calls = Table({k: f[k] for k in CALL_COLUMNS})
    return calls, legs_for(calls, 0, len(calls), LEG_ID_BASE)


def legs_for(calls: Table, start: int, stop: int, first_leg_id: int) -> Table:
    """A customer leg for every call in rows ``start:stop`` and an agent leg when answered."""
    rows = np.arange(start, stop, dtype=np.int64)
    with_agent = rows[calls["agent"][start:stop] != NULL]
    call_row = np.concatenate([rows, with_agent])
    kind = np.concatenate(
        [np.full(len(rows), LEG_CUSTOMER, np.int8), np.full(len(with_agent), LEG_AGENT, np.int8)]
    )
    order = np.lexsort((kind, call_row))
    call_row, kind = call_row[order], kind[order]
    return Table(
        {
            "leg_id": first_leg_id + np.arange(len(call_row), dtype=np.int64),
            "call": call_row,
            "kind": kind,
            "updated": calls["updated"][call_row] + (kind == LEG_AGENT),
        }
    )
