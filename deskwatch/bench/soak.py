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
from collections import Counter, deque
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from deskwatch.config import build_config
from deskwatch.dashboard import DashboardData
from deskwatch.poller import Poller
from deskwatch.source import LiveSource
from deskwatch.store import STREAMS, Cache
from deskwatch.zendesk import ZendeskClient
from deskwatch.zendesk.http import LIMITS

SOAK_POLL = {"live": 2, "incremental": 5, "reference": 30}
SAMPLE_SECONDS = 15.0
SIM_START_SECONDS = 120.0


def rss_mb() -> float:
    """This process's resident set size in MB (VmRSS of /proc/self/status)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def slope_per_hour(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per hour (0 with < 2 distinct times)."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    sxx = sum((t - mx) ** 2 for t, _ in points)
    if sxx == 0:
        return 0.0
    sxy = sum((t - mx) * (v - my) for t, v in points)
    return sxy / sxx * 3600


def growth_mb_per_hour(samples: Sequence[dict[str, Any]]) -> float:
    """RSS slope over the second half of the samples."""
    half = samples[len(samples) // 2 :]
    return slope_per_hour([(s["t"], s["rss_mb"]) for s in half])


def parse_banner(text: str) -> tuple[str, str]:
    """(base URL, OAuth token) from the banner ``deskwatch sim`` prints."""
    url = re.search(r"^Base URL:\s*(\S+)", text, re.M)
    token = re.search(r"^OAuth token:\s*(\S+)", text, re.M)
    if url is None or token is None:
        raise ValueError("the simulator did not print its Base URL and OAuth token")
    return url.group(1), token.group(1)


class RateWindow:
    """Requests in the last 60 s, the maximum ever seen, and the moments it beat the budget."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, window: float = 60.0):
        self._clock = clock
        self._window = window
        self._sent: deque[float] = deque()
        self.total = 0
        self.max = 0
        self.overshoots = 0
        self.worst_over: tuple[int, int] | None = None  # (requests in window, allowed)

    def record(self, allowed: int | None) -> None:
        now = self._clock()
        self._sent.append(now)
        while self._sent[0] <= now - self._window:
            self._sent.popleft()
        count = len(self._sent)
        self.total += 1
        self.max = max(self.max, count)
        if allowed is not None and count > allowed:
            self.overshoots += 1
            if self.worst_over is None or count - allowed > self.worst_over[0] - self.worst_over[1]:
                self.worst_over = (count, allowed)


class CountingTransport(httpx.AsyncBaseTransport):
    """The ordinary httpx transport, counting every request that leaves (retries included)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(limits=LIMITS)
        self.rate = RateWindow()
        self.allowed: Callable[[], int | None] = lambda: None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.rate.record(self.allowed())
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class Probe:
    """The real LiveSource behind the poller's Source protocol, counting what passes through."""

    def __init__(self, source: LiveSource) -> None:
        self.source = source
        self.polls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.running: set[str] = set()
        self.overlaps = 0
        self.longest_poll: dict[str, float] = {}
        self.computations = 0

    def streams(self) -> Sequence[str]:
        return self.source.streams()

    def needs_first_sync(self, stream: str) -> bool:
        return self.source.needs_first_sync(stream)

    def has_data(self) -> bool:
        return self.source.has_data()

    @property
    def version(self) -> int:
        return self.source.version

    def status(self) -> Any:
        return self.source.status()

    async def sync(self, stream: str, on_progress: Callable[[Any], None]) -> int:
        if stream in self.running:
            self.overlaps += 1
        self.running.add(stream)
        start = time.monotonic()
        try:
            return await self.source.sync(stream, on_progress)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.failures[stream] += 1
            raise
        finally:
            self.running.discard(stream)
            self.polls[stream] += 1
            took = time.monotonic() - start
            self.longest_poll[stream] = max(self.longest_poll.get(stream, 0.0), took)

    async def compute(self, now: datetime) -> tuple[Any, Any]:
        result = await self.source.compute(now)
        self.computations += 1
        return result

    async def persist(self) -> None:
        await self.source.persist()


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
    return snap.tickets["created"]["today"] if snap is not None else None


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
        warm_ok = record_counts(warm) == counts and warm.cursors == cursors and not warm.warnings
        rate = transport.rate
        return {
            "minutes": round((time.monotonic() - start) / 60, 2),
            "polls": dict(probe.polls),
            "errors": sum(probe.failures.values()),
            "errors_by_stream": dict(probe.failures),
            "client_errors": client.status.errors,
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
            "longest_poll_seconds": {k: round(v, 1) for k, v in probe.longest_poll.items()},
            "last_notices": list(notices),
            "crashed": crash is not None,
            "crash": crash,
            "sim_died": sim_died,
            "warm_restart_ok": warm_ok,
            "warm_restart_records": record_counts(warm),
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
        return "the warm restart did not load what the run held (counts or cursors differ)"
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
