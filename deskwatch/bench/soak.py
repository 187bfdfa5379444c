"""``python -m deskwatch.bench.soak``: soak the real poller against the simulator (not make test).

Starts ``deskwatch sim`` in a child process on a free 127.0.0.1 port (so this process holds only
what production holds: client, cache, poller), then runs the real ``Poller`` + ``LiveSource`` +
``ZendeskClient`` headless for ``--minutes`` with a fault profile. Every 15 s it samples RSS,
polls/errors per stream, snapshots computed, cache records and the client's request rate. The
request rate is also counted independently on the wire (a counting HTTP transport, sliding
60-second window). At the end the cache is reloaded from the state dir (warm restart) and
compared with what the run held. Prints one JSON object; exit 1 with a one-line reason when the
poller died, no snapshot was computed, the rate went over budget, polls of a stream overlapped or
the warm restart lost data.

    python -m deskwatch.bench.soak --minutes 10 --speed 120 --faults light --seed 7
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

from deskwatch.bench.soak_probe import CountingTransport, Probe, growth_mb_per_hour, rss_mb
from deskwatch.config import build_config
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.poller import Poller
from deskwatch.live.source import LiveSource
from deskwatch.store import STREAMS, Cache
from deskwatch.zendesk import ZendeskClient

SOAK_POLL = {"live": 2, "incremental": 5, "reference": 30}
SAMPLE_SECONDS = 15.0
SIM_START_SECONDS = 120.0


def parse_banner(text: str) -> tuple[str, str]:
    """(base URL, OAuth token) from the banner ``deskwatch sim`` prints."""
    url = re.search(r"^Base URL:\s*(\S+)", text, re.M)
    token = re.search(r"^OAuth token:\s*(\S+)", text, re.M)
    if url is None or token is None:
        raise ValueError("the simulator did not print its Base URL and OAuth token")
    return url.group(1), token.group(1)


def record_counts(cache: Cache) -> dict[str, int]:
    return {s: cache.frames.get(s).height for s in STREAMS}


async def start_sim(args: argparse.Namespace, log: Path) -> tuple[Any, str, str]:
    """``deskwatch sim`` in a child process on a free port: (process, url, token)."""
    cmd = [sys.executable, "-m", "deskwatch", "sim", "--port", "0", "--seed", str(args.seed),
           "--speed", str(args.speed), "--faults", args.faults,
           "--history-days", str(args.history_days)]  # fmt: skip
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            *cmd, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=err
        )
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + SIM_START_SECONDS
    while not any(line.startswith("Serving until") for line in lines):
        left = deadline - time.monotonic()
        raw = await asyncio.wait_for(proc.stdout.readline(), max(0.1, left)) if left > 0 else b""
        if not raw:
            await stop_sim(proc)
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"the simulator did not start: {tail[0]}")
        lines.append(raw.decode(errors="replace"))
    url, token = parse_banner("".join(lines))
    return proc, url, token


async def stop_sim(proc: Any) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def _created_today(data: DashboardData | None) -> Any:
    snap = data.snapshot if data is not None else None
    return snap.tickets.created.today if snap is not None else None


async def run_soak(args: argparse.Namespace, state_dir: Path, work: Path) -> dict[str, Any]:
    proc, url, token = await start_sim(args, work / "sim.log")
    try:
        doc = {"zendesk": {"url": url, "auth": {"method": "oauth", "access_token": token}},
               "poll": dict(SOAK_POLL), "sync": {"history_days": args.history_days}}  # fmt: skip
        cfg = build_config(doc, env={}, state_dir=state_dir)
        transport = CountingTransport()
        client = ZendeskClient(cfg, transport=transport)
        transport.allowed = lambda: client.governor.allowed_per_minute
        source = LiveSource(cfg, state_dir, client=client)
        await source.open()
        probe = Probe(source)
        latest: dict[str, DashboardData] = {}
        notices: deque[str] = deque(maxlen=5)
        poller = Poller(
            cfg,
            probe,
            on_data=lambda d: latest.__setitem__("data", d),
            on_notice=lambda sev, line: notices.append(f"{sev}: {line}"),
        )
        start = time.monotonic()
        rss_start = rss_mb()
        samples: list[dict[str, Any]] = []

        def sample() -> dict[str, Any]:
            st = client.status
            return {
                "t": round(time.monotonic() - start, 1),
                "rss_mb": round(rss_mb(), 1),
                "polls": dict(probe.polls),
                "errors": sum(probe.failures.values()),
                "client_errors": st.errors,
                "client_retries": client.http.track.retries,
                "snapshots": probe.computations,
                "records": record_counts(source.cache),
                "requests_per_minute": st.requests_last_minute,
                "allowed_per_minute": st.allowed_per_minute,
                "client_state": st.state,
                "running": sorted(probe.running),
                "created_today": _created_today(latest.get("data")),
            }

        task = asyncio.create_task(poller.run(), name="soak-poller")
        deadline = start + args.minutes * 60
        sim_died = False
        while not task.done() and time.monotonic() < deadline:
            samples.append(sample())
            left = deadline - time.monotonic()
            await asyncio.wait({task}, timeout=max(0.0, min(SAMPLE_SECONDS, left)))
            if proc.returncode is not None:
                sim_died = True
                break
        crash: str | None = None
        if task.done():
            exc = task.exception() if not task.cancelled() else None
            crash = f"the poller stopped by itself: {exc!r}" if exc else "the poller stopped"
        else:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)  # the poller's final persist
        samples.append(sample())
        counts, cursors = record_counts(source.cache), source.cache.cursors
        await source.aclose()
        warm = await asyncio.to_thread(Cache.load, state_dir)
        again = LiveSource(cfg, state_dir)  # a restarted app: which streams start cold?
        again.cache = warm
        cold = [s for s in again.streams() if again.needs_first_sync(s)]
        same = record_counts(warm) == counts and warm.cursors == cursors
        warm_ok = same and not cold and not warm.warnings
        rate = transport.rate
        return {
            "minutes": round((time.monotonic() - start) / 60, 2),
            "polls": dict(probe.polls),
            "errors": sum(probe.failures.values()),
            "errors_by_stream": dict(probe.failures),
            "client_errors": client.status.errors,
            "client_retries": client.http.track.retries,
            "responses": dict(sorted(transport.statuses.items())),
            "snapshots": probe.computations,
            "records": counts,
            "created_today": _created_today(latest.get("data")),
            "rss_mb_start": round(rss_start, 1),
            "rss_mb_end": samples[-1]["rss_mb"],
            "rss_mb_max": max(s["rss_mb"] for s in samples),
            "rss_growth_mb_per_hour": round(growth_mb_per_hour(samples), 1),
            "requests": rate.total,
            "max_requests_per_minute": rate.max,
            "allowed_per_minute": client.status.allowed_per_minute,
            "rate_overshoots": rate.overshoots,
            "worst_overshoot": list(rate.worst_over) if rate.worst_over else None,
            "overlapping_polls": probe.overlaps,
            "overlapping_computations": probe.compute_overlaps,
            "longest_poll_seconds": {k: round(v, 1) for k, v in probe.longest_poll.items()},
            "last_notices": list(notices),
            "crashed": crash is not None,
            "crash": crash,
            "sim_died": sim_died,
            "warm_restart_ok": warm_ok,
            "warm_restart_records": record_counts(warm),
            "warm_restart_cold_streams": cold,
            "warm_restart_warnings": warm.warnings,
            "samples": samples,
        }
    finally:
        await stop_sim(proc)


def verdict(result: dict[str, Any]) -> str | None:
    """The one-line reason the soak failed, or None when it passed."""
    if result["crashed"]:
        return str(result["crash"])
    if result["sim_died"]:
        return "the simulator child process exited during the soak"
    if result["snapshots"] == 0:
        return "no KPI snapshot was ever computed"
    if result["worst_overshoot"] is not None:
        sent, allowed = result["worst_overshoot"]
        return f"{sent} requests went out within 60 s, over the allowed {allowed}/min"
    if result["overlapping_polls"]:
        return f"polls of one stream overlapped {result['overlapping_polls']} time(s)"
    if not result["warm_restart_ok"]:
        return (
            "the warm restart lost data: record counts or cursors differ, or a stream starts cold"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deskwatch.bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--speed", type=float, default=120.0)
    parser.add_argument("--faults", default="light", choices=("none", "light", "heavy"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--history-days", type=int, default=35, help="simulated history (35)")
    parser.add_argument("--state-dir", type=Path, help="keep the cache here (default: temp dir)")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.history_days < 30:
        parser.error("--minutes must be > 0 and --history-days at least 30 (the KPI window)")
    with tempfile.TemporaryDirectory(prefix="deskwatch-soak-") as tmp:
        state_dir = args.state_dir or Path(tmp) / "state"
        try:
            result = asyncio.run(run_soak(args, state_dir, Path(tmp)))
        except KeyboardInterrupt:
            print("soak: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # one line, not a traceback
            print(
                f"soak: FAILED: {' '.join(str(exc).split()) or type(exc).__name__}", file=sys.stderr
            )
            return 1
    print(json.dumps(result, default=str))
    reason = verdict(result)
    if reason is not None:
        print(f"soak: FAILED: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
