"""Fault injection: profiles and per-request choices (5xx, latency, hangs, resets, bad JSON).

Rates pick a failure at random per request; a *burst* makes the next ``burst_count`` API
requests fail the same way, in order (deterministic, for the fault matrix tests).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any

PROFILE_NAMES = ("none", "light", "heavy")
TALK_OFF_403 = {
    "error": {"title": "Forbidden", "message": "Zendesk Talk is not enabled on this account"}
}
SERVER_ERROR_BODY = {"error": "InternalServerError", "description": "Something went wrong"}
MALFORMED_BODY = b'<html><body><h1>502 Bad Gateway</h1></body></html>\n{"tickets": ['
ACTIONS = ("error", "timeout", "reset", "malformed", "truncated", "storm")
RETRY_AFTER_FORMS = ("seconds", "date")


@dataclass
class Faults:
    """Rates are probabilities per API request; times in seconds (``*_until``: epoch)."""

    error_rate: float = 0.0  # 500/502/503/504 answers
    latency: float = 0.0  # added delay, seconds
    latency_jitter: float = 0.0  # extra uniform 0..jitter seconds
    timeout_rate: float = 0.0  # hang for ``hang_seconds`` before answering
    hang_seconds: float = 60.0
    reset_rate: float = 0.0  # drop the connection without an answer (TCP RST)
    malformed_rate: float = 0.0  # 200 with a body that is not JSON
    truncated_rate: float = 0.0  # 200 with the JSON cut short
    storm_rate: float = 0.0  # 429 with Retry-After, as if other integrations ate the budget
    storm_until: float | None = None  # every API request answers 429 until this instant
    storm_retry_after: int = 5
    # how a 429 says when to come back: delta-seconds, or an HTTP-date (RFC 9110 allows both)
    retry_after_form: str = "seconds"
    burst_kind: str = "error"  # one of ACTIONS
    burst_count: int = 0  # the next this many API requests all fail as ``burst_kind``
    revoke_at: float | None = None  # every token issued before this stops working at it
    talk_enabled: bool = True

    def update(self, changes: dict[str, Any]) -> Faults:
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names - {"profile"})
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        base = profile(changes["profile"]) if "profile" in changes else self
        rest = {k: v for k, v in changes.items() if k != "profile"}
        new = dataclasses.replace(base, **rest)
        if new.burst_kind not in ACTIONS:
            raise ValueError(f"burst_kind must be one of {', '.join(ACTIONS)}")
        if new.retry_after_form not in RETRY_AFTER_FORMS:
            raise ValueError(f"retry_after_form must be one of {', '.join(RETRY_AFTER_FORMS)}")
        if isinstance(new.burst_count, bool) or not isinstance(new.burst_count, int):
            raise ValueError("burst_count must be a whole number")
        return new

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def profile(name: str) -> Faults:
    if name == "none":
        return Faults()
    if name == "light":
        return Faults(
            error_rate=0.02, latency=0.02, latency_jitter=0.08, timeout_rate=0.002,
            hang_seconds=45.0, reset_rate=0.005, malformed_rate=0.003, truncated_rate=0.003,
            storm_rate=0.01,
        )  # fmt: skip
    if name == "heavy":
        return Faults(
            error_rate=0.12, latency=0.1, latency_jitter=0.5, timeout_rate=0.02,
            hang_seconds=45.0, reset_rate=0.03, malformed_rate=0.02, truncated_rate=0.02,
            storm_rate=0.05,
        )  # fmt: skip
    raise ValueError(f"unknown fault profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}")


def pick(faults: Faults, rng: random.Random) -> str | None:
    """The failure to inject into one request, or None to answer normally."""
    roll = rng.random()
    for action, rate in (
        ("error", faults.error_rate),
        ("timeout", faults.timeout_rate),
        ("reset", faults.reset_rate),
        ("malformed", faults.malformed_rate),
        ("truncated", faults.truncated_rate),
        ("storm", faults.storm_rate),
    ):
        if roll < rate:
            return action
        roll -= rate
    return None
