"""The fault matrix for ``deskwatch export``, end to end over loopback HTTP against the simulator.

Each fault is injected into the simulator (``deskwatch.sim.faults``), then ``export`` runs
(in-process through ``deskwatch.cli.main``, with ``DESKWATCH_DEBUG`` set so that any escaped
exception fails the test with its traceback instead of the one-line "unexpected error"):

- a short burst (fewer failures in a row than the client's attempts) is absorbed: exit 0;
- a lasting fault makes ``export`` stop with exit 1 and one line naming the fault (never a
  traceback, never a half-written output), and the state dir stays sound;
- once the fault clears, the next ``export`` exits 0 and its snapshot equals, key for key, the
  snapshot of a fault-free export of the same simulated account into an empty state dir (so no
  record was lost or doubled and no cursor ran ahead of its data).

Pace: exports at Zendesk's 10 a minute and 1 s .. 60 s backoffs would make each case last
minutes, so the client is built with a fast export pace, a 0.5 s read timeout, 4 attempts and
a 0.1 s backoff base (the same code, other numbers). The slow variants (the server gone for
minutes at the real pace) are in ``test_faults_slow.py`` (``make soak``).
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import deskwatch.zendesk as zendesk
from deskwatch.cli import main
from deskwatch.sim import SimHandle

SIM = dict(
    seed=11,
    speed=0,
    history_days=20,
    tickets=300,
    calls=100,
    agents=6,
    plan="high_volume",  # 2,500 requests a minute, all of it ours (budget.share = 1)
    incremental_limit=100_000,
    live=False,
    page_sizes={"tickets": 100, "calls": 50, "legs": 50},  # several pages: faults land mid-sync
)
NOW = "2026-11-30T12:00:00+00:00"
ATTEMPTS = 4
_references: weakref.WeakKeyDictionary[SimHandle, dict[str, Any]] = weakref.WeakKeyDictionary()


def fast_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ZendeskClient built from here on: fast exports, 0.5 s read timeout, 4 attempts."""
    real = zendesk.ZendeskClient

    def make(cfg: Any, **kw: Any) -> Any:
        kw.setdefault("incremental_per_minute", 100_000)
        kw.setdefault("read_timeout", 0.5)
        kw.setdefault("max_attempts", ATTEMPTS)
        kw.setdefault("rng", random.Random(5))
        return real(cfg, **kw)

    monkeypatch.setattr(zendesk, "ZendeskClient", make)
    monkeypatch.setattr("deskwatch.zendesk.http.BACKOFF_BASE", 0.1)
    monkeypatch.setenv("DESKWATCH_DEBUG", "1")  # an escaped exception raises here


@pytest.fixture(autouse=True)
def fast_client(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_pace(monkeypatch)


_frozen: weakref.WeakKeyDictionary[SimHandle, float] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def calm(sim: SimHandle) -> Iterator[SimHandle]:
    """The module's simulator, fault-free before and after, its clock stopped at one instant
    for the whole module (what Talk's queue shows now would otherwise change between the
    reference export and a later one)."""
    sim.freeze_clock(_frozen.setdefault(sim, sim.now()))
    sim.set_faults("none")
    if sim.gone:
        sim.come_back()
    try:
        yield sim
    finally:
        sim.set_faults("none")
        if sim.gone:
            sim.come_back()
        if not sim.call(lambda: sim.sim.auth.bearer_ok(sim.access_token)):
            sim.issue_token(printed=True)  # a test revoked it: the next gets a working one


@pytest.fixture
def account(sim: SimHandle) -> Iterator[SimHandle]:
    with calm(sim) as calm_sim:
        yield calm_sim


class Runner:
    def __init__(self, sim: SimHandle, tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.sim = sim
        self.tmp = tmp
        self.capsys = capsys
        tmp.mkdir(exist_ok=True)
        self.config = tmp / "deskwatch.toml"
        self.write_config()
        self.runs = 0

    def write_config(self) -> None:
        self.config.write_text(self.sim.config_toml(share=1.0))
        self.config.chmod(0o600)

    def export(self, state: Path) -> tuple[int, dict[str, Any] | None, list[str], float]:
        """Exit code, the snapshot (None unless exit 0), stderr lines, seconds taken."""
        self.runs += 1
        out = self.tmp / f"out-{self.runs}.json"
        argv = ["export", "--config", str(self.config), "--state-dir", str(state)]
        argv += ["--now", NOW, "--output", str(out)]
        self.capsys.readouterr()
        start = time.monotonic()
        code = main(argv)
        took = time.monotonic() - start
        err = self.capsys.readouterr().err.splitlines()
        assert all(line.startswith("deskwatch: ") for line in err), err  # one-liners only
        assert not any("Traceback" in line or "unexpected error" in line for line in err)
        snap = json.loads(out.read_text()) if code == 0 else None
        assert code == 0 or not out.exists()  # a failed export writes no output
        return code, snap, err, took

    def reference(self) -> dict[str, Any]:
        """A fault-free export of the module's account into an empty state dir (once)."""
        key = self.sim
        if key not in _references:
            code, snap, err, _ = self.export(self.tmp / "reference-state")
            assert code == 0 and snap is not None, err
            assert snap["tickets"]["created"]["window"] > 0 and snap["talk"] is not None
            _references[key] = snap
        return _references[key]


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two snapshots differ, as ``path: a != b`` lines (a readable assertion message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            out += differences(a.get(key), b.get(key), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def same(snap: dict[str, Any] | None, reference: dict[str, Any]) -> None:
    assert snap is not None
    diff = differences(snap, reference)
    assert not diff, "\n".join(diff[:20])


@pytest.fixture
def runner(account: SimHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(account, tmp_path, capsys)


# -- short bursts: absorbed by the client's retries --------------------------------------------

BURSTS = ["error", "timeout", "reset", "malformed", "truncated"]


@pytest.mark.parametrize("kind", BURSTS)
def test_a_burst_is_absorbed(runner: Runner, kind: str) -> None:
    reference = runner.reference()
    # fewer in a row than the attempts one request gets: whichever requests they hit, each
    # is retried past them
    runner.sim.set_faults(burst_kind=kind, burst_count=ATTEMPTS - 1, hang_seconds=2.0)
    code, snap, err, _ = runner.export(runner.tmp / "state")
    assert code == 0, err
    assert runner.sim.sim.burst_left == 0  # the burst did hit the export
    same(snap, reference)


# -- lasting faults: exit 1 with one line naming the fault; the next export recovers ----------

Fault = Callable[[SimHandle], None]


def _rate(**faults: Any) -> Fault:
    return lambda sim: sim.set_faults(**faults)


def _revoke(sim: SimHandle) -> None:
    sim.revoke_tokens()


def _gone(sim: SimHandle) -> None:
    sim.go_away()


LASTING: dict[str, tuple[Fault, str]] = {
    "5xx": (_rate(error_rate=1.0), "(last: HTTP 50"),
    "timeouts": (_rate(timeout_rate=1.0, hang_seconds=2.0), "(last: timed out)"),
    "resets": (_rate(reset_rate=1.0), "(last: connection failed"),
    "malformed JSON": (_rate(malformed_rate=1.0), "(last: a page that is not a JSON object)"),
    "truncated JSON": (_rate(truncated_rate=1.0), "(last: a page that is not a JSON object)"),
    "token revoked": (_revoke, "access token was rejected"),
    "server gone": (_gone, "(last: connection failed (ConnectError))"),
}


def _clear(sim: SimHandle, name: str, runner: Runner) -> None:
    sim.set_faults("none")
    if sim.gone:
        sim.come_back()
    if name == "token revoked":  # an admin creates a new token; it goes into the config file
        sim.issue_token(printed=True)
        runner.write_config()


@pytest.mark.parametrize("name", list(LASTING))
def test_a_lasting_fault_stops_export_with_one_line_then_it_recovers(
    runner: Runner, name: str
) -> None:
    reference = runner.reference()
    state = runner.tmp / "state"
    code, _, _, _ = runner.export(state)  # a synced cache first: the fault hits an update
    assert code == 0
    start, says = LASTING[name]
    start(runner.sim)
    code, snap, err, _ = runner.export(state)
    assert code == 1 and snap is None
    assert len(err) == 1 and says in err[0], err
    assert "next poll" not in err[0]  # export has no next poll
    _clear(runner.sim, name, runner)
    code, snap, err, _ = runner.export(state)
    assert code == 0, err
    same(snap, reference)


@pytest.mark.parametrize("name", ["5xx", "truncated JSON", "token revoked", "server gone"])
def test_a_fault_during_the_first_sync_loses_nothing(runner: Runner, name: str) -> None:
    """The fault strikes mid first sync (after a few pages): what was synced is kept and the
    next export finishes the job to the fault-free snapshot."""
    reference = runner.reference()
    start, says = LASTING[name]
    served = runner.sim.sim.requests

    def strike() -> None:  # once the sync is under way
        while runner.sim.sim.requests < served + 6:
            time.sleep(0.005)
        start(runner.sim)

    striker = threading.Thread(target=strike, daemon=True)
    striker.start()
    code, _, err, _ = runner.export(runner.tmp / "state")
    striker.join(timeout=10)
    assert code == 1 and len(err) == 1 and says in err[0], err
    _clear(runner.sim, name, runner)
    code, snap, err, _ = runner.export(runner.tmp / "state")
    assert code == 0, err
    same(snap, reference)


# -- rate limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["seconds", "date"])
def test_a_429_storm_is_waited_out(runner: Runner, form: str) -> None:
    """429s with Retry-After 2 s, in seconds or as an HTTP-date: export waits as told (not the
    60 s default for a header it cannot read) and finishes."""
    reference = runner.reference()
    runner.sim.set_faults(
        burst_kind="storm", burst_count=4, storm_retry_after=2, retry_after_form=form
    )
    code, snap, err, took = runner.export(runner.tmp / "state")
    assert code == 0, err
    assert runner.sim.sim.burst_left == 0
    assert 2 <= took < 15, took
    same(snap, reference)


# -- Talk switched off on the account ---------------------------------------------------------


def test_talk_off_exports_the_ticket_figures_then_talk_comes_back(runner: Runner) -> None:
    reference = runner.reference()
    state = runner.tmp / "state"
    runner.sim.set_faults(talk_enabled=False)
    code, snap, err, _ = runner.export(state)
    assert code == 0, err
    assert snap is not None and snap["talk"] is None
    assert [line for line in err if "Talk" in line and "talk: null" in line] == err and err
    assert snap["tickets"] == reference["tickets"]
    runner.sim.set_faults(talk_enabled=True)
    code, snap, err, _ = runner.export(state)
    assert code == 0 and not err, err
    same(snap, reference)
