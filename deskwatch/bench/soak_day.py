"""``python -m deskwatch.bench.soak_day``: the app, headless, through a simulated day (make soak).

Three processes share one accelerated clock, ``t0_sim + (time.time() - t0_real) * ratio``:

- the simulator (its ``SimClock`` reads that clock, ``speed`` 1: a simulated hour holds an
  hour of helpdesk activity; its ``Date`` headers, rate-limit windows and export lags follow it),
  with a fault profile (``light``: 5xx, latency, timeouts, resets, malformed and truncated
  JSON, 429 storms);
- the real Textual app, headless (``DeskwatchApp`` on a ``LiveSource`` + ``ZendeskClient``
  whose wall clock and the poller's ``now`` read the same clock), first sync, history backfill,
  polling at ``SOAK_POLL`` real seconds, cycling through every dashboard; every ``--sample``
  real seconds it prints one JSON line: RSS, CPU seconds, snapshots computed (CPU per refresh),
  asyncio tasks, threads, file descriptors, polls and errors per stream, today's date and
  created-today as the app shows them;
- this process, which forwards those lines, then checks the run: a warm restart from the state
  dir holds exactly what the app held, and a fault-free cold sync of the same simulator (the
  reference) holds the same tickets and calls created before the last hour, every day of the
  window (so nothing was lost at the day rollover or in the backfill).

The simulated span must cross local midnight (24 h always does): after it the app's today is
the new date and created-today starts again from a small number. Prints JSON lines (``kind``:
``sample`` ..., then one ``summary`` with the figures and every threshold), exit 1 with a
one-line reason when a threshold is missed.

    python -m deskwatch.bench.soak_day --hours 24 --ratio 144 --faults light
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskwatch.bench.soak_probe import CountingTransport, Probe
from deskwatch.config import build_config
from deskwatch.store import STREAMS, Cache

SOAK_POLL = {"live": 2, "incremental": 10, "reference": 30}  # real seconds
SIM_START_SECONDS = 180.0
REFERENCE_MARGIN = 3600.0  # simulated seconds before the end the reference must agree up to

# thresholds: what "flat" means once the history backfill has completed (the steady part of
# the run), comparing the last quarter of those samples with the first
MAX_RSS_GROWTH_MB = 40.0  # max RSS of the last quarter over max RSS of the first quarter
MAX_FD_GROWTH = 3
MAX_THREAD_GROWTH = 2
MAX_TASK_GROWTH = 6  # in-flight polls come and go
MAX_CPU_PER_REFRESH_RATIO = 2.0  # last quarter's CPU per refresh over the first quarter's
MIN_STEADY = 8  # samples after the backfill completed, at the least


def sim_clock(t0_sim: float, t0_real: float, ratio: float) -> Callable[[], float]:
    """Epoch seconds of the simulated clock (every process computes it the same way)."""
    return lambda: t0_sim + (time.time() - t0_real) * ratio


# ----------------------------------------------------------------- the simulator child

SIM_CHILD = """
import json, sys, time
from deskwatch.sim import SimClock, start_simulator
from deskwatch.bench.soak_day import sim_clock
t0_sim, t0_real, ratio = map(float, sys.argv[1:4])
opts = json.loads(sys.argv[4])
handle = start_simulator(clock=SimClock(source=sim_clock(t0_sim, t0_real, ratio)), **opts)
print(json.dumps({"url": handle.url, "token": handle.access_token}), flush=True)
sys.stdin.read()  # serve until the parent closes our stdin
handle.stop()
"""


def default_start(timezone: str, now: float) -> float:
    """The latest 22:00 local before ``now``: the first sync and the history backfill run
    across the coming midnight."""
    from zoneinfo import ZoneInfo

    local = datetime.fromtimestamp(now, ZoneInfo(timezone))
    start = local.replace(hour=22, minute=0, second=0, microsecond=0)
    if start.timestamp() > now:  # before 22:00 today: yesterday's
        day_before = datetime.fromtimestamp(start.timestamp() - 86400, ZoneInfo(timezone))
        start = day_before.replace(hour=22, minute=0, second=0, microsecond=0)
    return start.timestamp()


def start_sim(args: argparse.Namespace, t0_sim: float, t0_real: float, log: Path) -> Any:
    opts = {"seed": args.seed, "speed": args.speed, "history_days": args.history_days,
            "faults": args.faults, "tickets": args.tickets_per_day * args.history_days,
            "tz": args.timezone, "port": 0}  # fmt: skip
    cmd = [sys.executable, "-c", SIM_CHILD, repr(t0_sim), repr(t0_real), repr(args.ratio),
           json.dumps(opts)]  # fmt: skip
    with log.open("wb") as err:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True
        )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the banner: generation takes a few seconds
    if not line:
        proc.wait(30)
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"the simulator did not start: {tail[0]}")
    proc.banner = json.loads(line)  # type: ignore[attr-defined]
    return proc


def stop_sim(proc: Any) -> None:
    if proc.poll() is None:
        try:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()


def set_faults(url: str, faults: dict[str, Any]) -> None:
    import httpx

    httpx.post(
        url.split("/api/v2")[0] + "/__sim/faults", json=faults, timeout=30
    ).raise_for_status()


# ----------------------------------------------------------------- the app child

APP_CHILD = """
import asyncio, json, sys
from deskwatch.app import DeskwatchApp
from deskwatch.bench.soak_day import soak_app
asyncio.run(soak_app(DeskwatchApp, json.loads(sys.argv[1])))
"""


def proc_counts() -> dict[str, Any]:
    """RSS (MB), threads (the kernel's count: Polars' pool too) and open file descriptors."""
    rss = threads = 0
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return {
        "rss_mb": round(rss / 1024, 1),
        "threads": threads,
        "py_threads": threading.active_count(),
        "fds": len(os.listdir("/proc/self/fd")),
    }


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc, default=str) + "\n")
    sys.stdout.flush()


async def soak_app(app_cls: Any, spec: dict[str, Any]) -> None:
    """Run ``app_cls`` (``DeskwatchApp``) headless on the simulated clock; JSON lines out."""
    from deskwatch.live.source import LiveSource
    from deskwatch.zendesk import ZendeskClient

    wall = sim_clock(spec["t0_sim"], spec["t0_real"], spec["ratio"])
    state_dir = Path(spec["state_dir"])
    auth = {"method": "oauth", "access_token": spec["token"]}
    doc = {"zendesk": {"url": spec["url"], "auth": auth}, "poll": dict(SOAK_POLL),
           "sync": {"history_days": spec["history_days"]},
           "account": {"timezone": spec["timezone"]}}  # fmt: skip
    cfg = build_config(doc, env={}, state_dir=state_dir)
    transport = CountingTransport()
    client = ZendeskClient(cfg, transport=transport, wall=wall)
    transport.allowed = lambda: client.governor.allowed_per_minute
    source = LiveSource(cfg, state_dir, client=client)
    await source.open()
    probe = Probe(source)
    app = app_cls(cfg, probe, clock=lambda: datetime.fromtimestamp(wall(), UTC))
    start_real, start_cpu = time.monotonic(), cpu_seconds()
    end_real = spec["t0_real"] + spec["hours"] * 3600 / spec["ratio"]

    def sample(kind: str) -> dict[str, Any]:
        data = app.data
        snap = data.snapshot if data is not None else None
        try:  # by its CSS type name: this module stays free of Textual (import-linter)
            view = app.screen.query_one("StatusBar").view
            state = view.state if view is not None else None
        except Exception:  # the screen is being switched
            state = None
        return {
            "kind": kind,
            "t": round(time.monotonic() - start_real, 1),
            "sim_now": datetime.fromtimestamp(wall(), UTC).isoformat(timespec="seconds"),
            "sim_hours": round((wall() - spec["t0_sim"]) / 3600, 2),
            **proc_counts(),
            "cpu_s": round(cpu_seconds() - start_cpu, 2),
            "tasks": len(asyncio.all_tasks()),
            "py_objects": len(gc.get_objects()),  # Python's share of a memory growth
            "snapshots": probe.computations,
            "polls": sum(probe.polls.values()),
            "errors": sum(probe.failures.values()),
            "requests": transport.rate.total,
            "records": {s: source.cache.frames.get(s).height for s in STREAMS},
            "skipped": client.status.skipped,
            "today": snap.window.end if snap is not None else None,
            "created_today": snap.tickets.created.today if snap is not None else None,
            "partial": data.partial if data is not None else None,
            "stale": sorted(data.stale) if data is not None else None,
            "status": state,
            "screen": type(app.screen).__name__,
        }

    last_polls: dict[str, float] = {}
    original_sync = probe.sync

    async def sync(stream: str, on_progress: Any) -> int:
        result = await original_sync(stream, on_progress)
        last_polls[stream] = time.monotonic()  # a poll that succeeded
        return result

    probe.sync = sync  # type: ignore[method-assign]

    failures: list[str] = []

    async def drive() -> None:
        try:
            await asyncio.sleep(1.0)
            while time.time() < end_real:
                _emit(sample("sample"))
                app.call_later(app.action_cycle, 1)  # every dashboard renders in turn
                await asyncio.sleep(max(0.0, min(spec["sample"], end_real - time.time())))
            _emit(sample("sample"))
        except Exception as exc:
            failures.append(f"the soak's driver failed: {type(exc).__name__}: {exc}")
            raise
        finally:
            app.exit()

    async def run() -> None:
        task = asyncio.create_task(drive(), name="soak-drive")
        await app.run_async(headless=True, size=(120, 40))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    crash = None
    try:
        await run()
    except Exception as exc:  # reported, not a traceback
        crash = f"{type(exc).__name__}: {exc}"
    crash = crash or (failures[0] if failures else None)
    if source.cache.version != source.persisted_version:
        await source.persist()
    now_real = time.monotonic()
    rate = transport.rate
    _emit(
        {
            "kind": "end",
            "crash": crash,
            "return_code": app.return_code,
            "records": {s: source.cache.frames.get(s).height for s in STREAMS},
            "cursors": source.cache.cursors,
            "polls": dict(probe.polls),
            "errors": dict(probe.failures),
            "skipped": client.status.skipped,
            "responses": dict(sorted(transport.statuses.items())),
            "requests": rate.total,
            "max_requests_per_minute": rate.max,
            "allowed_per_minute": client.status.allowed_per_minute,
            "worst_overshoot": list(rate.worst_over) if rate.worst_over else None,
            "overlapping_polls": probe.overlaps,
            "overlapping_computations": probe.compute_overlaps,
            "longest_poll_seconds": {k: round(v, 1) for k, v in probe.longest_poll.items()},
            "last_ok_poll_seconds_ago": {
                k: round(now_real - v, 1) for k, v in sorted(last_polls.items())
            },
            "sim_end": wall(),
        }
    )
    await source.aclose()


# ----------------------------------------------------------------- checks in this process


def quarter(samples: list[dict[str, Any]], q: int) -> list[dict[str, Any]]:
    """The q-th quarter (0..3) of the samples (never empty when there are samples)."""
    n = len(samples)
    part = samples[n * q // 4 : max(n * (q + 1) // 4, n * q // 4 + 1)]
    return part or samples[-1:]


def steady(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The samples from the first one with the history backfill complete (the app's data
    then only grows by the day's activity)."""
    for i, s in enumerate(samples):
        if s["partial"] is False:
            return samples[i:]
    return []


def growth(samples: list[dict[str, Any]], key: str) -> float:
    """Max of the last quarter minus max of the first quarter (0 with no samples)."""
    if not samples:
        return 0.0
    return float(
        max(s[key] for s in quarter(samples, 3)) - max(s[key] for s in quarter(samples, 0))
    )


def cpu_per_refresh(part: list[dict[str, Any]], before: dict[str, Any]) -> float | None:
    """CPU ms per snapshot computed between ``before`` and the last sample of ``part``."""
    done = part[-1]["snapshots"] - before["snapshots"]
    return round(1000 * (part[-1]["cpu_s"] - before["cpu_s"]) / done, 1) if done > 0 else None


def rollover(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the app's today changed date, and created-today just before and after it."""
    days = [s for s in samples if s["today"] is not None]
    changes = [(a, b) for a, b in itertools.pairwise(days) if a["today"] != b["today"]]
    out: dict[str, Any] = {"dates": sorted({s["today"] for s in days}), "changes": len(changes)}
    if changes:
        a, b = changes[0]
        out.update({"at_sim": b["sim_now"], "created_today_before": a["created_today"],
                    "created_today_after": b["created_today"]})  # fmt: skip
    return out


async def reference(
    url: str, token: str, args: argparse.Namespace, wall: Any
) -> tuple[Cache, float]:
    """A fault-free cold sync of every stream over the whole history, on the same clock; and
    where its history began (it starts later than the app's: the clock ran on)."""
    from deskwatch.live.sync import sync_all
    from deskwatch.zendesk import ZendeskClient

    doc = {"zendesk": {"url": url, "auth": {"method": "oauth", "access_token": token}},
           "sync": {"history_days": args.history_days}}  # fmt: skip
    cfg = build_config(doc, env={}, state_dir=Path(tempfile.gettempdir()))
    cache = Cache()
    began = wall() - args.history_days * 86400
    async with ZendeskClient(cfg, wall=wall, incremental_per_minute=600) as client:
        await sync_all(client, cache, cfg)
    return cache, began


def ids_between(cache: Cache, stream: str, low: float, high: float) -> set[int]:
    """Ids created in [low, high) and last updated before ``high``."""
    import polars as pl

    frame = cache.frames.get(stream)
    a, b = datetime.fromtimestamp(low, UTC), datetime.fromtimestamp(high, UTC)
    kept = frame.filter(pl.col("created_at").is_between(a, b, closed="left"))
    return set(kept.filter(pl.col("updated_at") < b)["id"].to_list())


def read_up_to(cursors: dict[str, str], stream: str) -> float | None:
    """Where the app's live export of ``stream`` had read up to (epoch seconds), from its
    cursor: ``t`` of the ticket export, ``start`` of the Talk exports."""
    try:
        state = json.loads(cursors.get(stream) or "null")
    except ValueError:
        return None
    value = state.get("t" if stream == "tickets" else "start") if isinstance(state, dict) else None
    return float(value) if isinstance(value, int | float) else None


def sample_rows(cache: Cache, stream: str, ids: list[int]) -> list[dict[str, Any]]:
    import polars as pl

    frame = cache.frames.get(stream).filter(pl.col("id").is_in(ids))
    wanted = [c for c in ("id", "created_at", "updated_at", "status") if c in frame.columns]
    return [{k: str(v) for k, v in row.items()} for row in frame.select(wanted).to_dicts()]


def compare(
    app: Cache, ref: Cache, low: float, high: float, cursors: dict[str, str]
) -> dict[str, Any]:
    """Per export, the records created from ``low`` and last changed before where the app had
    read up to (its cursor, at most ``high``): every one the reference holds must be in the
    app's cache (missing), and every one the app holds must exist in the reference (extra)."""
    out: dict[str, Any] = {}
    for stream in ("tickets", "calls", "legs"):
        cut = min(high, read_up_to(cursors, stream) or high)
        theirs = ids_between(ref, stream, low, cut)
        mine = ids_between(app, stream, low, cut)
        missing = theirs - set(app.frames.get(stream)["id"].to_list())
        extra = mine - set(ref.frames.get(stream)["id"].to_list())
        up_to = datetime.fromtimestamp(cut, UTC).isoformat(timespec="seconds")
        out[stream] = {"compared": len(theirs), "up_to": up_to, "missing": len(missing),
                       "extra": len(extra)}  # fmt: skip
        for name, cache, ids in (("missing", ref, missing), ("extra", app, extra)):
            if ids:  # a few of them, to see what they have in common
                out[stream][f"{name}_sample"] = sample_rows(cache, stream, sorted(ids)[:5])
    return out


def verdict(summary: dict[str, Any]) -> str | None:
    end = summary["end"]
    if end is None:
        return "the app process ended without its final report"
    if end["crash"]:
        return f"the app crashed: {end['crash']}"
    if summary["sim_died"]:
        return "the simulator exited during the soak"
    if summary["snapshots"] == 0:
        return "no KPI snapshot was ever computed"
    if summary["steady_samples"] < MIN_STEADY:
        return (
            f"only {summary['steady_samples']} samples after the history backfill completed "
            f"(at least {MIN_STEADY}): a longer run, or a smaller account"
        )
    if summary["snapshots_last_quarter"] == 0:
        return "no snapshot was computed in the last quarter of the run (stalled)"
    if end["worst_overshoot"] is not None:
        sent, allowed = end["worst_overshoot"]
        return f"{sent} requests went out within 60 s, over the allowed {allowed}/min"
    if end["overlapping_polls"]:
        return f"polls of one stream overlapped {end['overlapping_polls']} time(s)"
    stuck = [
        s for s, ago in end["last_ok_poll_seconds_ago"].items() if ago > summary["stuck_after"]
    ]
    if stuck:
        return f"no successful poll near the end for {', '.join(stuck)}"
    if summary["rollover"]["changes"] != 1:
        return f"the app's today changed {summary['rollover']['changes']} times, not once"
    roll = summary["rollover"]
    if roll["created_today_after"] >= roll["created_today_before"]:
        return "created-today did not start again after midnight"
    for key, limit in (("rss_mb", MAX_RSS_GROWTH_MB), ("fds", MAX_FD_GROWTH),
                       ("threads", MAX_THREAD_GROWTH), ("tasks", MAX_TASK_GROWTH)):  # fmt: skip
        if summary["growth"][key] > limit:
            return f"{key} grew by {summary['growth'][key]:g} once steady (limit {limit:g})"
    q2, q4 = (
        summary["cpu_ms_per_refresh"]["steady_first_quarter"],
        summary["cpu_ms_per_refresh"]["steady_last_quarter"],
    )
    if q2 and q4 and q4 > MAX_CPU_PER_REFRESH_RATIO * q2:
        return f"CPU per refresh grew from {q2} to {q4} ms"
    if not summary["warm_restart_ok"]:
        return "the warm restart differs from what the app held (records or cursors)"
    bad = {s: v for s, v in summary["vs_reference"].items() if v["missing"] or v["extra"]}
    if bad:
        return f"the app's cache differs from a fault-free sync: {json.dumps(bad)}"
    return None


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    t0_real = time.time() + 5.0
    t0_sim = args.start.timestamp() if args.start else default_start(args.timezone, t0_real)
    sim = start_sim(args, t0_sim, t0_real, work / "sim.log")
    url, token = sim.banner["url"], sim.banner["token"]
    state_dir = work / "state"
    # the simulated span starts once the simulator is up (the clock ran while it generated)
    now_real = time.time()
    spec = {"t0_sim": t0_sim, "t0_real": t0_real, "ratio": args.ratio, "url": url,
            "token": token, "state_dir": str(state_dir), "history_days": args.history_days,
            "hours": args.hours + (now_real - t0_real) * args.ratio / 3600,
            "sample": args.sample, "timezone": args.timezone}  # fmt: skip
    samples: list[dict[str, Any]] = []
    end: dict[str, Any] | None = None
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", APP_CHILD, json.dumps(spec)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=(work / "app.log").open("wb"),
            text=True,
        )  # fmt: skip
        assert child.stdout is not None
        for line in child.stdout:
            if not line.startswith("{"):
                continue
            doc = json.loads(line)
            if doc["kind"] == "sample":
                samples.append(doc)
                print(line.rstrip(), flush=True)
            elif doc["kind"] == "end":
                end = doc
        child.wait()
        sim_died = sim.poll() is not None
        wall = sim_clock(t0_sim, t0_real, args.ratio)
        summary: dict[str, Any] = {"kind": "summary", "sim_died": sim_died, "end": end}
        if end is None or not samples:
            tail = (work / "app.log").read_text(errors="replace").strip().splitlines()[-3:]
            summary["app_log_tail"] = tail
            return summary
        warm = Cache.load(state_dir)
        summary["warm_restart_ok"] = (
            {s: warm.frames.get(s).height for s in STREAMS} == end["records"]
            and warm.cursors == end["cursors"]
            and not warm.warnings
        )
        set_faults(url, {"error_rate": 0, "latency": 0, "latency_jitter": 0, "timeout_rate": 0,
                         "reset_rate": 0, "malformed_rate": 0, "truncated_rate": 0,
                         "storm_rate": 0})  # fmt: skip
        started = time.monotonic()
        ref, began = asyncio.run(reference(url, token, args, wall))
        if args.keep:
            ref.persist(work / "reference")
        summary["reference_seconds"] = round(time.monotonic() - started, 1)
        low, high = began + REFERENCE_MARGIN, end["sim_end"] - REFERENCE_MARGIN
        summary["reference_span"] = [
            datetime.fromtimestamp(t, UTC).isoformat() for t in (low, high)
        ]
        summary["vs_reference"] = compare(warm, ref, low, high, end["cursors"])
    finally:
        stop_sim(sim)
    first, last = samples[0], samples[-1]
    real_minutes = (last["t"] - first["t"]) / 60
    calm = steady(samples)
    s1, s4 = quarter(calm or samples, 0), quarter(calm or samples, 3)
    before_s4 = (calm or samples)[max(0, (calm or samples).index(s4[0]) - 1)]
    live = next((s for s in samples if s["status"] == "● live"), None)
    keys = ("rss_mb", "threads", "py_threads", "fds", "tasks")
    summary.update(
        {
            "ratio": args.ratio,
            "faults": args.faults,
            "simulated_hours": round(last["sim_hours"] - first["sim_hours"], 2),
            "wall_minutes": round(real_minutes, 2),
            "sim_start": first["sim_now"],
            "sim_end": last["sim_now"],
            "samples": len(samples),
            "snapshots": last["snapshots"],
            "snapshots_last_quarter": last["snapshots"] - s4[0]["snapshots"],
            "live_at_sim": live["sim_now"] if live else None,
            "backfill_done_at_sim": calm[0]["sim_now"] if calm else None,
            "steady_samples": len(calm),
            "stuck_after": max(60.0, 4 * SOAK_POLL["reference"]),
            "start": {k: first[k] for k in keys},
            "backfill_done": {k: calm[0][k] for k in keys} if calm else None,
            "end_of_run": {k: last[k] for k in keys},
            "max": {k: max(s[k] for s in samples) for k in keys},
            "growth": {k: growth(calm, k) for k in ("rss_mb", "fds", "threads", "tasks")},
            "cpu_ms_per_refresh": {
                "whole_run": cpu_per_refresh(samples, first),
                "steady_first_quarter": cpu_per_refresh(s1, s1[0]),
                "steady_last_quarter": cpu_per_refresh(s4, before_s4),
            },
            "cpu_percent": round(
                100 * (last["cpu_s"] - first["cpu_s"]) / max(1e-9, last["t"] - first["t"]), 1
            ),
            "rollover": rollover(samples),
            "records": end["records"],
            "polls": end["polls"],
            "errors": end["errors"],
            "skipped": end["skipped"],
            "responses": end["responses"],
            "requests": end["requests"],
            "max_requests_per_minute": end["max_requests_per_minute"],
            "allowed_per_minute": end["allowed_per_minute"],
        }
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskwatch.bench.soak_day", description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours (24)")
    parser.add_argument("--ratio", type=float, default=144.0, help="simulated / real time (144)")
    parser.add_argument("--faults", default="light", choices=("none", "light", "heavy"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--history-days", type=int, default=30)
    parser.add_argument("--tickets-per-day", type=int, default=400)
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="the simulator's activity per simulated second (1: real pace; 0: a still account, "
        "so memory that grows is not the data's)",
    )
    parser.add_argument("--timezone", default="Europe/Berlin", help="account time zone")
    parser.add_argument("--sample", type=float, default=10.0, help="real seconds between samples")
    parser.add_argument("--keep", type=Path, help="keep the state dirs and logs here")
    parser.add_argument(
        "--start",
        type=datetime.fromisoformat,
        help="simulated start, ISO 8601 with offset (default: the latest 22:00 local)",
    )
    args = parser.parse_args(argv)
    if args.hours <= 0 or args.ratio <= 0 or args.history_days < 30 or args.sample <= 0:
        parser.error("--hours, --ratio and --sample must be > 0, --history-days at least 30")
    if args.speed < 0:
        parser.error("--speed must be >= 0")
    with tempfile.TemporaryDirectory(prefix="deskwatch-soak-day-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        try:
            summary = run(args, work)
        except KeyboardInterrupt:
            print("soak_day: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # one line, not a traceback
            print(f"soak_day: FAILED: {' '.join(str(exc).split()) or type(exc).__name__}",
                  file=sys.stderr)  # fmt: skip
            return 1
    reason = (
        verdict(summary)
        if summary.get("end") is not None
        else (
            "the app process ended without its final report: "
            + " | ".join(summary.get("app_log_tail", []))
        )
    )
    summary["passed"] = reason is None
    summary["reason"] = reason
    print(json.dumps(summary, default=str), flush=True)
    if reason is not None:
        print(f"soak_day: FAILED: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
