"""The fault matrix for the app, end to end: the real app headless (``App.run_test``), its
poller, client and cache, over loopback HTTP against the simulator.

For each fault, once the app is live: the fault starts and, within one poll interval, the
status bar says so (never "● live" while it lasts) and the app keeps running with its last
good figures; the fault clears and, within one poll interval (no key pressed), every stream
has synced again and the status bar is back to "● live"; at the end the app's cache gives the
same KPI snapshot (at a fixed instant) as a fault-free ``export`` of the same account.
``test_r_retries_at_once`` checks that ``r`` does not wait for the interval. The faults run
in turn through two app sessions (one per xdist worker), which keeps the matrix fast.

Pace: the poll interval is 2 s (the shortest on the +/- ladder); Zendesk's 10 exports a
minute is lifted and the read timeout is 1 s (the timeout fault hangs 3 s); retries keep the
production backoff (1 s, 2 s, ...), which the poller caps at the poll interval.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import deskwatch.zendesk as zendesk
from deskwatch.app import DeskwatchApp
from deskwatch.config import load_config
from deskwatch.kpis import compute_snapshot
from deskwatch.live.source import LiveSource
from deskwatch.sim import SimHandle
from deskwatch.widgets.status_bar import StatusBar
from tests.functional.test_faults_export import (
    NOW,
    Runner,
    calm,
    differences,
    fast_pace,
    same,
)
from tests.functional.test_faults_export import SIM as EXPORT_SIM

SIM = EXPORT_SIM
INTERVAL = 2.0
SLACK = 3.0  # the requests of one poll round, and the pilot's 0.1 s steps
SLOW_INTERVAL = 10.0


def poll(seconds: float) -> str:
    return f"\n[poll]\nlive = {seconds:g}\nincremental = {seconds:g}\nreference = {seconds:g}\n"


POLL, SLOW_POLL = poll(INTERVAL), poll(SLOW_INTERVAL)


@pytest.fixture
def account(sim: SimHandle) -> Iterator[SimHandle]:
    with calm(sim) as calm_sim:
        yield calm_sim


@pytest.fixture
def reference(account: SimHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """A fault-free export of the account (its snapshot), as in the export matrix."""
    with pytest.MonkeyPatch.context() as mp:
        fast_pace(mp)
        return Runner(account, tmp_path / "export", capsys).reference()


class Harness:
    """The app on the account; ``poll``: the config's ``[poll]`` table; ``client``: the
    ZendeskClient's pace (the export limit is always lifted)."""

    def __init__(
        self, sim: SimHandle, tmp: Path, *, poll: str = POLL, read_timeout: float = 1.0
    ) -> None:
        self.sim = sim
        self.tmp = tmp
        self.poll = poll
        self.config = tmp / "deskwatch.toml"
        self.write_config()
        cfg = load_config(self.config, state_dir=tmp / "state")
        self.cfg = cfg
        client = zendesk.ZendeskClient(
            cfg, incremental_per_minute=100_000, read_timeout=read_timeout, rng=random.Random(7)
        )
        self.source = LiveSource(cfg, tmp / "state", client=client)
        self.app = DeskwatchApp(cfg, self.source)
        self.pilot: Any = None

    def write_config(self) -> None:
        text = self.sim.config_toml(share=1.0) + self.poll
        self.config.write_text(text)
        self.config.chmod(0o600)

    @property
    def state(self) -> str:
        view = self.app.screen.query_one(StatusBar).view
        return "" if view is None else view.state

    @property
    def detail(self) -> str:
        view = self.app.screen.query_one(StatusBar).view
        return "" if view is None else view.detail

    def mark(self) -> tuple[datetime, frozenset[str]]:
        """Now, and the streams the fault hit (failing, or in a poll): they must sync again
        (a stream not due during the fault, e.g. users at its 15 min cadence, need not)."""
        streams = self.app.poller.status.streams
        return self.app.clock(), frozenset(s.name for s in streams if s.failures or s.running)

    def recovered(self, mark: tuple[datetime, frozenset[str]]) -> bool:
        """ "● live", no stream failing or polling, every stream the fault hit synced since."""
        since, hit = mark
        streams = self.app.poller.status.streams
        return (
            self.state == "● live"
            and bool(streams)
            and all(
                s.failures == 0
                and not s.running
                and (s.name not in hit or (s.last_ok is not None and s.last_ok >= since))
                for s in streams
            )
        )

    async def until(self, what: Callable[[], bool], seconds: float, why: str) -> float:
        start = time.monotonic()
        while not what():
            if time.monotonic() - start > seconds:
                raise AssertionError(f"{why}: not within {seconds:g} s (status {self.state!r})")
            await self.pilot.pause(0.1)
        return time.monotonic() - start

    async def live(self) -> None:
        """Live, and the figures shown computed from everything in the cache."""
        poller, source = self.app.poller, self.source

        def settled() -> bool:
            data = self.app.data
            return (
                self.state == "● live"
                and data is not None
                and not data.partial
                and not any(s.running for s in poller.status.streams)
                and poller._computed_version == source.cache.version
            )

        await self.until(settled, 60, "live after the first sync")

    def check_running(self) -> None:
        assert self.app.is_running
        worker = self.app._poller_worker
        assert worker is not None and not worker.is_finished
        bad = [n.message for n in self.app._notifications if "stopped" in n.message]
        assert not bad, bad

    def snapshot(self) -> dict[str, Any]:
        now = datetime.fromisoformat(NOW)
        return json.loads(compute_snapshot(self.source.cache.frames, self.cfg, now).to_json())


def _gone(sim: SimHandle) -> None:
    sim.go_away()


def _revoke(sim: SimHandle) -> None:
    sim.revoke_tokens()


FAULTS: dict[str, tuple[Callable[[SimHandle], Any], Callable[[str], bool]]] = {
    # name: (start it, what the status bar must say while it lasts)
    "5xx": (lambda s: s.set_faults(error_rate=1.0), lambda st: st.startswith("⟳")),
    "timeouts": (
        lambda s: s.set_faults(timeout_rate=1.0, hang_seconds=3.0),
        lambda st: st.startswith("⟳"),
    ),
    "resets": (lambda s: s.set_faults(reset_rate=1.0), lambda st: st.startswith("⟳")),
    "malformed JSON": (lambda s: s.set_faults(malformed_rate=1.0), lambda st: st.startswith("⟳")),
    "truncated JSON": (lambda s: s.set_faults(truncated_rate=1.0), lambda st: st.startswith("⟳")),
    "429 storm (seconds)": (
        lambda s: s.set_faults(storm_rate=1.0, storm_retry_after=2),
        lambda st: st.startswith("⟳ retrying in"),
    ),
    "429 storm (HTTP-date)": (
        lambda s: s.set_faults(storm_rate=1.0, storm_retry_after=2, retry_after_form="date"),
        lambda st: st.startswith("⟳ retrying in"),
    ),
    "token revoked": (_revoke, lambda st: st == "✖ auth failed"),
    "Talk off": (
        lambda s: s.set_faults(talk_enabled=False),
        lambda st: st == "⚠ Talk unavailable",
    ),
    "server gone": (_gone, lambda st: st.startswith("⟳")),
}


def clear(h: Harness, name: str) -> None:
    h.sim.set_faults("none")
    if h.sim.gone:
        h.sim.come_back()
    if name == "token revoked":  # an admin creates a new token; it goes into the config file
        h.sim.issue_token(printed=True)
        h.write_config()


async def cycle(h: Harness, name: str, reference: Any) -> float:
    """One fault through a live app: shown within one interval and all along, survived with
    the last good figures up, recovered within one interval of clearing, nothing lost.
    Returns the seconds from clearing to every stream synced again."""
    start, shown = FAULTS[name]
    unsolved = h.app.data.snapshot.tickets.unsolved  # type: ignore[union-attr]
    start(h.sim)
    await h.until(lambda: shown(h.state), INTERVAL + SLACK, f"{name} shown")
    seen: set[str] = set()
    for _ in range(10):  # and it stays shown
        seen.add(h.state)
        await h.pilot.pause(0.1)
    assert "● live" not in seen, (name, seen)
    h.check_running()
    assert h.app.data.snapshot.tickets.unsolved == unsolved, name  # type: ignore[union-attr]
    mark = h.mark()
    clear(h, name)
    took = await h.until(
        lambda: h.recovered(mark),
        INTERVAL + SLACK,
        f"recovered from {name}",
    )
    h.check_running()
    diff = differences(h.snapshot(), reference)
    assert not diff, (name, diff[:10])
    return took


# two sessions (one per pytest-xdist worker), each through half of the faults in turn
SESSIONS = {
    "transport": ["5xx", "timeouts", "resets", "malformed JSON", "truncated JSON"],
    "account": [
        "429 storm (seconds)",
        "429 storm (HTTP-date)",
        "token revoked",
        "Talk off",
        "server gone",
    ],
}


@pytest.mark.parametrize("session", list(SESSIONS))
async def test_faults_are_survived_shown_and_recovered(
    account: SimHandle, tmp_path: Path, reference: Any, session: str
) -> None:
    h = Harness(account, tmp_path)
    async with h.app.run_test(size=(120, 40)) as pilot:
        h.pilot = pilot
        await h.live()
        for name in SESSIONS[session]:
            await cycle(h, name, reference)
        await pilot.press("q")


async def test_r_retries_at_once(account: SimHandle, tmp_path: Path, reference: Any) -> None:
    """With a 10 s interval, ``r`` after the fault clears: live again well before the next
    poll would have come (mid-backoff inside a poll, or waiting for the next poll)."""
    h = Harness(account, tmp_path, poll=SLOW_POLL)
    async with h.app.run_test(size=(120, 40)) as pilot:
        h.pilot = pilot
        await h.live()
        for name in ("5xx", "server gone"):
            start, shown = FAULTS[name]
            start(h.sim)
            await pilot.press("r")  # polls now, into the fault
            await h.until(lambda s=shown: s(h.state), SLOW_INTERVAL + SLACK, f"{name} shown")
            await pilot.pause(1.0)
            mark = h.mark()
            clear(h, name)
            await pilot.press("r")
            await h.until(
                lambda m=mark: h.recovered(m),
                SLACK,
                f"r retried at once after {name}",
            )
        same(h.snapshot(), reference)
        await pilot.press("q")
