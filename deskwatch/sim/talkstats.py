"""Talk live stats (today only, from local midnight): queue, agents activity, account overview."""

from __future__ import annotations

from typing import Any

import numpy as np

from deskwatch.sim.account import Account
from deskwatch.sim.gen_calls import CALL_HOURS
from deskwatch.sim.table import NULL
from deskwatch.sim.vocab import C_AB_QUEUE, C_EXCEEDED, C_VOICEMAIL, INBOUND, OUTBOUND


def local_midnight(account: Account, now: int) -> int:
    return (now + account.offset) // 86400 * 86400 - account.offset


def today_rows(account: Account, now: int) -> np.ndarray:
    """Rows of calls created since local midnight (calls are ordered by updated >= created)."""
    midnight = local_midnight(account, now)
    first = int(np.searchsorted(account.calls["updated"], midnight, side="left"))
    created = account.calls["created"][first:]
    return first + np.flatnonzero(created >= midnight)


def _minute_rng(account: Account, now: int, salt: int) -> np.random.Generator:
    return np.random.default_rng([account.seed, now // 60, salt])


def on_shift(account: Account, now: int) -> np.ndarray:
    """Agents whose 9-hour shift covers this moment (weekdays; a skeleton crew at weekends)."""
    local = now + account.offset
    hour = (local % 86400) / 3600
    weekday = (local // 86400 + 3) % 7
    start = account.people.agent_shift_start
    working = (hour >= start) & (hour < start + 9)
    if weekday >= 5:
        working &= np.arange(len(start)) % 5 == 0
    return working


def agent_states(account: Account, now: int) -> list[tuple[str, str | None]]:
    """(agent_state, call_status) per agent for this minute: on-shift agents are online or away."""
    roll = _minute_rng(account, now, 2).random(account.people.n_agents)
    states: list[tuple[str, str | None]] = []
    for working, r in zip(on_shift(account, now).tolist(), roll.tolist(), strict=True):
        if not working:
            states.append(("offline", None))
        elif r < 0.08:
            states.append(("away", None))
        else:
            states.append(("online", "on_call" if r < 0.4 else "wrap_up" if r < 0.5 else None))
    return states


def current_queue_activity(account: Account, now: int) -> dict[str, Any]:
    rng = _minute_rng(account, now, 1)
    online = np.array([state == "online" for state, _ in agent_states(account, now)])
    hour = ((now + account.offset) % 86400) // 3600
    load = CALL_HOURS[hour] / CALL_HOURS.max()
    waiting = int(rng.poisson(3.0 * load)) if online.any() else int(rng.poisson(0.5))
    rows = today_rows(account, now)
    recent = rows[account.calls["created"][rows] >= now - 3600]
    waits = account.calls["wait"][recent]
    avg = int(waits.mean()) if len(waits) else 0
    return {
        "agents_online": int(online.sum()),
        "calls_waiting": waiting,
        "callbacks_waiting": int(rng.poisson(0.4 * load)),
        "average_wait_time": avg if waiting else 0,
        "longest_wait_time": int(avg * rng.uniform(1.2, 3.0)) if waiting else 0,
        "embeddable_callbacks_waiting": int(rng.poisson(0.1 * load)),
    }


def agents_activity(account: Account, now: int) -> list[dict[str, Any]]:
    calls = account.calls
    rows = today_rows(account, now)
    people = account.people
    n = people.n_agents
    agent = calls["agent"][rows]
    mine = agent != NULL
    a = agent[mine]

    def total(col: str) -> np.ndarray:
        return np.bincount(a, weights=np.maximum(calls[col][rows][mine], 0), minlength=n)

    accepted = np.bincount(a, minlength=n)
    talk, wrap, hold, dur = total("talk"), total("wrap"), total("hold"), total("duration")
    on_hold = np.bincount(a, weights=calls["hold"][rows][mine] > 0, minlength=n)
    states = agent_states(account, now)
    day_rng = np.random.default_rng([account.seed, local_midnight(account, now), 3])
    missed = day_rng.poisson(0.8, n)
    denied = day_rng.poisson(0.3, n)
    local_hour = ((now + account.offset) % 86400) / 3600
    shift_secs = np.clip(local_hour - people.agent_shift_start, 0, 9) * 3600
    away = (shift_secs * day_rng.uniform(0.02, 0.12, n)).astype(int)
    out = []
    for i in range(n):
        state, status = states[i]
        acc = int(accepted[i])
        online_time = int(shift_secs[i])
        busy = int(talk[i] + wrap[i])
        out.append(
            {
                "name": people.agent_name(i),
                "agent_id": people.agent_id(i),
                "via": "client",
                "avatar_url": None,
                "forwarding_number": None,
                "average_talk_time": int(talk[i] / acc) if acc else 0,
                "calls_accepted": acc,
                "calls_denied": int(denied[i]) if online_time else 0,
                "calls_missed": int(missed[i]) if online_time else 0,
                "online_time": online_time,
                "available_time": max(0, online_time - busy - int(away[i])),
                "total_call_duration": int(dur[i]),
                "total_talk_time": int(talk[i]),
                "total_wrap_up_time": int(wrap[i]),
                "away_time": int(away[i]),
                "call_status": status,
                "agent_state": state,
                "transfers_only_time": 0,
                "average_wrap_up_time": int(wrap[i] / acc) if acc else 0,
                "accepted_transfers": 0,
                "started_transfers": 0,
                "calls_put_on_hold": int(on_hold[i]),
                "average_hold_time": int(hold[i] / on_hold[i]) if on_hold[i] else 0,
                "total_hold_time": int(hold[i]),
                "started_third_party_conferences": 0,
                "accepted_third_party_conferences": 0,
            }
        )
    return out


def account_overview(account: Account, now: int) -> dict[str, Any]:
    calls = account.calls
    rows = today_rows(account, now)

    def col(name: str) -> np.ndarray:
        return np.maximum(calls[name][rows], 0)

    total = len(rows)
    status = calls["status"][rows]
    inbound = calls["direction"][rows] == INBOUND
    answered = calls["agent"][rows] != NULL
    waits = col("wait")[inbound]
    tta = col("tta")[answered & inbound]
    held = col("hold")[col("hold") > 0]

    def avg(values: np.ndarray) -> int:
        return int(values.mean()) if len(values) else 0

    return {
        "average_call_duration": avg(col("duration")),
        "average_queue_wait_time": avg(waits),
        "average_wrap_up_time": avg(col("wrap")[answered]),
        "max_calls_waiting": int(current_queue_activity(account, now)["calls_waiting"]) + 2,
        "max_queue_wait_time": int(waits.max()) if len(waits) else 0,
        "total_call_duration": int(col("duration").sum()),
        "total_calls": total,
        "total_voicemails": int(calls["voicemail"][rows].sum()),
        "total_wrap_up_time": int(col("wrap").sum()),
        "average_callback_wait_time": 0,
        "average_hold_time": avg(held),
        "average_time_to_answer": avg(tta),
        "total_callback_calls": int((calls["callback"][rows] == 1).sum()),
        "total_calls_abandoned_in_queue": int((status == C_AB_QUEUE).sum()),
        "total_calls_outside_business_hours": int(calls["outside"][rows].sum()),
        "total_calls_with_exceeded_queue_wait_time": int((status == C_EXCEEDED).sum()),
        "total_calls_with_requested_voicemail": int((status == C_VOICEMAIL).sum()),
        "total_hold_time": int(col("hold").sum()),
        "total_inbound_calls": int(inbound.sum()),
        "total_outbound_calls": int((calls["direction"][rows] == OUTBOUND).sum()),
        "total_textback_requests": 0,
        "total_embeddable_callback_calls": 0,
    }
