"""Collector and viewer: one process per account polls Zendesk, every other one only watches.

:class:`Node` stands where the app used to put its :class:`~deskwatch.live.poller.Poller` (same
controls, same three callbacks). It runs as a **viewer** (no API calls, no cache, no ticket
frames: it decodes what the collector publishes through the broker) and tries the collector
lease every :attr:`Node.lead_every` seconds; once it holds the lease it becomes the
**collector**: it opens the data source (warm start from the saved cursors in the state dir),
runs a Poller, and publishes each new dashboard data and its status. It renews the lease every
``lead_every`` seconds and steps back to viewer when it loses it. ``collect=False`` makes a
viewer that never polls (browser sessions of ``deskwatch serve``).

A collector publishes data only once each stream has finished a first poll in its session
(synced or failed): a takeover starts from the cache the last collector saved, which can be
a little behind what viewers already show, and viewers should never see figures go back.

Alerts: only the collector evaluates the rules and posts webhooks (a new collector resumes the
rules' states its predecessor published, so a firing is not posted twice, and judges nothing
until it has caught up: a warm start's figures can be behind); the states travel
with the data, so every screen shows the same ones, and a viewer toasts what changed.

Drill-down (:meth:`Node.drill`): the collector lists from its own cache; a viewer on this host
reads the cache the collector saved in the shared state dir, read-only, in a child process that
exits with the frames it read (a viewer keeps no ticket frames); a viewer over NATS asks the
collector by request-reply, page by page (:data:`~deskwatch.live.wire.PAGE_ROWS` rows each,
under NATS's max payload) until it holds every row.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import secrets
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from deskwatch.config import Config, ConfigError
from deskwatch.kpis.alerts import AlertEvent, account_name
from deskwatch.kpis.catalogue import CATALOGUE
from deskwatch.kpis.drill import Drill
from deskwatch.live.alerting import Alerting, transitions
from deskwatch.live.broker import Broker, BrokerDown, identity
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.poller import Poller
from deskwatch.live.pollstate import (
    STALE_FACTOR,
    PollStatus,
    RoleInfo,
    is_history,
    step_interval,
)
from deskwatch.live.sync import streams_for
from deskwatch.live.wire import (
    PAGE_ROWS,
    DrillPage,
    DrillRequest,
    WireError,
    decode_data,
    decode_drill_page,
    decode_drill_request,
    decode_status,
    drill_fields,
    drill_from,
    encode_data,
    encode_drill_page,
    encode_drill_request,
    encode_status,
    rows_from_bytes,
    rows_to_bytes,
)

LEAD_EVERY_MAX = 1.0  # seconds: a viewer tries the lease at least this often
LEASE_TTL = 3  # a NATS lease not renewed for this many renewal periods has lapsed...
LEASE_TTL_MIN = 5.0  # ...and at least this many seconds (a loaded host, a GC pause)
PUBLISH_GAP = 0.05  # seconds between two publishes of the same key (a burst sends the newest)
DRILL_TIMEOUT = 10.0  # seconds a viewer waits for one page of a listing from the collector
SAVED_TIMEOUT = 120.0  # seconds a listing from the saved cache may take (1M tickets: ~1.5 s)
DRILL_KEEP = 60.0  # seconds the collector keeps a listing for the pages still to come


class DrillUnavailable(Exception):
    """A listing cannot be had right now (one line saying why)."""


@dataclass(frozen=True)
class Listing:
    """The rows behind a figure and where they come from (``note``: said above the list when
    they are not from the collector's live cache, e.g. "from the cache saved at 13:05:01")."""

    rows: pl.DataFrame
    note: str = ""


# -- drill-down ------------------------------------------------------------------------------
def _drill_of(target: str | Drill) -> Drill:
    if isinstance(target, str):
        drill = CATALOGUE[target].drill
        if drill is None:
            raise DrillUnavailable(f"{target} has no ticket list")
        return drill
    return target


async def _maybe(obj: Any, method: str, *args: Any) -> Any:
    """``obj.method(*args)`` when the broker has it (only NATS does request-reply)."""
    fn = getattr(obj, method, None)
    return None if fn is None else await fn(*args)


class _Drills:
    """Node's drill-down half (mixed in below): list from where this process can."""

    cfg: Config
    broker: Broker
    source: Any
    poller: Poller | None
    _listings: dict[str, tuple[float, pl.DataFrame]]

    async def drill(self, target: str | Drill, arg: int | str | None, now: datetime) -> Listing:
        """The rows behind a figure: raises :class:`DrillUnavailable` with one line."""
        if self.poller is not None and self.source is not None:
            source = self.source
            return Listing(await asyncio.to_thread(source.drill, _drill_of(target), arg, now))
        if hasattr(self.broker, "ask"):
            return await self._ask(target, arg, now)
        return await asyncio.to_thread(self._from_saved_cache, target, arg, now)

    def _from_saved_cache(self, target: str | Drill, arg: int | str | None, now: Any) -> Listing:
        """This host's collector saved its cache in the shared state dir: list from that, in a
        child process (the frames it reads, hundreds of MB at 1M tickets, go with it: a viewer
        keeps no ticket frames, not even the allocator's memory of them)."""
        drill = _drill_of(target)
        request = pickle.dumps((self.cfg, drill, arg, now))
        try:
            done = subprocess.run(
                [sys.executable, "-m", "deskwatch.live.saved_child"],
                input=request,
                capture_output=True,
                check=False,
                timeout=SAVED_TIMEOUT,
            )
            answer = pickle.loads(done.stdout) if done.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired, pickle.UnpicklingError, EOFError) as exc:
            raise DrillUnavailable(f"cannot list from the saved cache: {exc}") from None
        if answer is None:
            last = (done.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
            raise DrillUnavailable(f"cannot list from the saved cache: {last}")
        if answer[0] != "ok":
            raise DrillUnavailable(f"cannot read the collector's saved cache: {answer[1]}")
        _, payload, saved_at = answer
        try:
            rows = rows_from_bytes(payload)
        except WireError as exc:
            raise DrillUnavailable(str(exc)) from None
        behind = (now - saved_at).total_seconds()
        local = saved_at.astimezone(self.cfg.account.tz).strftime("%H:%M:%S")
        note = f"from the cache saved at {local}" if behind > 1 else ""
        return Listing(rows, note)

    async def _ask(self, target: str | Drill, arg: int | str | None, now: datetime) -> Listing:
        plain = target if isinstance(target, str) else drill_fields(target)
        token = secrets.token_hex(8)
        pages: list[pl.DataFrame] = []
        page, total = 0, 0
        while True:
            request = DrillRequest(plain, arg, now, page, token)
            try:
                reply = await self.broker.ask(  # type: ignore[attr-defined]
                    encode_drill_request(request), DRILL_TIMEOUT
                )
                got = decode_drill_page(reply)
                if got.error:
                    raise DrillUnavailable(f"the collector: {got.error}")
                pages.append(rows_from_bytes(got.rows))
            except (BrokerDown, WireError) as exc:
                raise DrillUnavailable(str(exc)) from None
            total = got.total
            page += 1
            if page >= got.pages:
                break
        rows = pl.concat(pages) if len(pages) > 1 else pages[0]
        if rows.height != total:  # never a silently shorter list
            raise DrillUnavailable(f"got {rows.height} of {total} rows from the collector")
        return Listing(rows)

    async def _answer(self, payload: bytes) -> bytes:
        """The collector's side of a drill request: one page of the listing."""
        try:
            req = decode_drill_request(payload)
            source = self.source
            if self.poller is None or source is None:
                raise DrillUnavailable("this process is not the collector any more")
            now_m = time.monotonic()
            for token in [t for t, (at, _) in self._listings.items() if now_m - at > DRILL_KEEP]:
                del self._listings[token]
            kept = self._listings.get(req.token)
            if kept is None or req.page == 0:
                plain = req.target
                drill = _drill_of(plain if isinstance(plain, str) else drill_from(Drill, plain))
                rows = await asyncio.to_thread(source.drill, drill, req.arg, req.now)
                self._listings[req.token] = (now_m, rows)
            else:
                rows = kept[1]
            pages = max(1, -(-rows.height // PAGE_ROWS))
            if req.page >= pages:
                raise DrillUnavailable(f"no page {req.page} (the listing has {pages})")
            chunk = rows.slice(req.page * PAGE_ROWS, PAGE_ROWS)
            if req.page == pages - 1:
                self._listings.pop(req.token, None)
            out = DrillPage(req.page, pages, rows.height, rows_to_bytes(chunk))
        except (DrillUnavailable, WireError, KeyError) as exc:
            out = DrillPage(0, 1, 0, error=str(exc) or type(exc).__name__)
        except Exception as exc:  # a listing that fails is said to the asker, never a hang
            out = DrillPage(0, 1, 0, error=f"listing failed: {type(exc).__name__}: {exc}")
        return encode_drill_page(out)


class Node(_Drills):
    """A collector or a viewer of one account, switching as the lease comes and goes.

    ``make_source()`` builds a fresh, unopened data source (``LiveSource``) each time this
    process becomes the collector; the node opens and closes it.
    """

    def __init__(
        self,
        cfg: Config,
        broker: Broker,
        make_source: Callable[[], Any],
        *,
        on_data: Callable[[DashboardData], object],
        on_status: Callable[[PollStatus], object] = lambda s: None,
        on_notice: Callable[[str, str], object] = lambda sev, line: None,
        on_alerts: Callable[[list[AlertEvent]], object] = lambda events: None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        collect: bool = True,
        lead_every: float | None = None,
    ) -> None:
        self.cfg = cfg
        self.broker = broker
        self._make_source = make_source
        self._on_data = on_data
        self._on_status = on_status
        self._on_notice = on_notice
        self._on_alerts = on_alerts
        self._now = now
        self.collect = collect
        self.interval = float(cfg.poll.live)
        self.lead_every = lead_every or lead_period(cfg)
        self.me = identity()
        self.paused = False
        self.role = "viewer"
        self.poller: Poller | None = None
        self.source: Any = None
        self._publisher = _Publisher(broker, on_notice)
        # viewer side: what the collector published last
        self._data: DashboardData | None = None
        self._data_at: datetime | None = None
        self._remote: PollStatus | None = None
        self._collector: str | None = None
        self._heard_at: datetime | None = None
        self._silent = False
        # collector side
        self._unpublished: DashboardData | None = None
        self._caught_up = False
        self.alerting: Alerting | None = None
        self._listings: dict[str, tuple[float, pl.DataFrame]] = {}

    # -- controls (the app calls these as it would on a Poller) ------------------------------
    def _viewer_notice(self, what: str) -> None:
        who = self._collector or "the collector"
        self._on_notice("warning", f"this deskwatch is a viewer: {what} is up to {who}")

    def pause(self) -> None:
        if self.poller is None:
            self._viewer_notice("pausing")
            return
        self.paused = True
        self.poller.pause()

    def resume(self) -> None:
        self.paused = False
        if self.poller is not None:
            self.poller.resume()

    def refresh_now(self) -> None:
        if self.poller is None:
            self._viewer_notice("polling")
            return
        self.poller.refresh_now()

    def refresh_status(self) -> None:
        if self.poller is not None:
            self.poller.refresh_status()

    def set_interval(self, seconds: float) -> None:
        if self.poller is None:
            self._viewer_notice("the poll interval")
            return
        self.poller.set_interval(seconds)
        self.interval = self.poller.interval

    def step(self, direction: int) -> float:
        self.set_interval(step_interval(self.interval, direction))
        return self.interval

    @property
    def polls(self) -> bool:
        """This process computes the figures (it can change the window or the filter)."""
        return self.poller is not None

    def refuse(self, what: str) -> None:
        """Say that ``what`` is the collector's to change (a viewer shows its figures)."""
        self._viewer_notice(what)

    def reconfigure(self, cfg: Config) -> None:
        self.cfg = cfg
        if self.poller is not None:
            self.poller.reconfigure(cfg)
        if self.alerting is not None:
            self.alerting.cfg = cfg

    @property
    def data(self) -> DashboardData | None:
        return self._data

    # -- the loop ------------------------------------------------------------------------------
    async def run(self) -> None:
        """Run until cancelled: view, and collect whenever this process holds the lease."""
        publisher = asyncio.create_task(self._publisher.run(), name="publish")
        watcher: asyncio.Task[None] | None = None
        try:
            while True:
                if self.collect and await self._try_lead():
                    if watcher is not None:
                        await _cancel(watcher, wait=1.0)
                        watcher = None
                    await self._collect()
                    continue
                if watcher is None:
                    self.role = "viewer"
                    watcher = asyncio.create_task(self._watch(), name="watch")
                    self._emit_viewer_status()
                await asyncio.sleep(self.lead_every)
                self._check_silence()
        finally:
            if watcher is not None:
                await _cancel(watcher)
            await _cancel(publisher)
            with contextlib.suppress(Exception):
                await self.broker.aclose()

    async def _try_lead(self) -> bool:
        try:
            return await self.broker.lead()
        except BrokerDown:
            return False

    # -- collector -------------------------------------------------------------------------------
    async def _collect(self) -> None:
        self.role = "collector"
        self._caught_up = False
        self._unpublished = None
        lost = asyncio.Event()
        published = self._data.alerts if self._data is not None else ()
        self.alerting = alerting = Alerting(self.cfg, states=published)
        sender = asyncio.create_task(alerting.sender.run(), name="webhook")
        keeper = asyncio.create_task(self._keep_lease(lost), name="lease")
        self._on_status(PollStatus(interval=self.interval, role=self._collector_role()))
        source = self.source = self._make_source()
        poller_task: asyncio.Task[None] | None = None
        try:
            await source.open()
            for line in getattr(source, "warnings", ()):
                self._on_notice("warning", line)
            poller = Poller(
                self.cfg,
                source,
                on_data=self._collected_data,
                on_status=self._collected_status,
                on_notice=self._on_notice,
                now=self._now,
            )
            if poller.interval != self.interval:
                poller.set_interval(self.interval)
            if self.paused:
                poller.pause()
            self.poller = poller
            poller_task = asyncio.create_task(poller.run(), name="poller")
            gone = asyncio.create_task(lost.wait())
            await asyncio.wait([poller_task, gone], return_when=asyncio.FIRST_COMPLETED)
            gone.cancel()
            if lost.is_set():
                self._on_notice(
                    "warning", "another process took over collecting; this one is a viewer now"
                )
            else:
                poller_task.result()  # the poller only ends by failing: let that be seen
        finally:
            await _cancel(keeper)
            await _cancel(sender)
            self.alerting = None
            self._listings.clear()
            with contextlib.suppress(Exception):
                await _maybe(self.broker, "stop_answering")
            if poller_task is not None:
                await _cancel(poller_task)  # the poller's shutdown writes the cache
            self.poller = None
            with contextlib.suppress(Exception):
                await source.aclose()
            with contextlib.suppress(Exception):
                await self.broker.resign()
        self.source = None  # a viewer now: its ticket frames go (the cache was saved)

    async def _keep_lease(self, lost: asyncio.Event) -> None:
        """Renew the lease every ``lead_every`` seconds (from the start: opening a large cache
        takes a while); set ``lost`` when another process has it."""
        while True:
            await asyncio.sleep(self.lead_every)
            try:
                held = await self.broker.lead()
            except BrokerDown:
                held = True  # keep polling and persisting; publish again when it is back
            if not held:
                lost.set()
                return
            if self.poller is not None:  # the heartbeat viewers judge silence by
                self._publish_status(self.poller.status)
            self._alert_tick()
            with contextlib.suppress(Exception):  # subscribes once per broker connection
                await _maybe(self.broker, "answer", self._answer)

    def _alert_tick(self) -> None:
        """``for_minutes`` runs on the clock: re-evaluate the rules between two data."""
        data, alerting = self._data, self.alerting
        if data is None or alerting is None or not alerting.states or not self._caught_up:
            return
        before = alerting.states
        data, events = alerting.step(data, self._now())
        if alerting.states != before:
            self._show_collected(data, events)

    def _collected_data(self, data: DashboardData) -> None:
        if self._caught_up:
            self._show_collected(*self._evaluated(data))
        elif self.alerting is not None:  # a warm start's figures are not the truth yet:
            self._show_collected(replace(data, alerts=self.alerting.states), [])  # no verdict
        else:
            self._show_collected(data, [])

    def _evaluated(self, data: DashboardData) -> tuple[DashboardData, list[AlertEvent]]:
        """``data`` with the rules evaluated on it (and their events queued for the webhooks)."""
        if self.alerting is None:
            return data, []
        return self.alerting.step(data, self._now())

    def _show_collected(self, data: DashboardData, events: list[AlertEvent]) -> None:
        self._data = data
        self._on_data(data)
        if events:
            self._on_alerts(events)
        if self._caught_up:
            self._publisher.offer("data", encode_data(data, self._now()))
        else:
            self._unpublished = data

    def _collected_status(self, status: PollStatus) -> None:
        if not self._caught_up and status.streams:
            # today's data in (the history backfill may take a while longer: data says partial)
            today = [s for s in status.streams if not is_history(s.name)]
            self._caught_up = all(s.synced or s.failures for s in today)
            if self._caught_up and self._unpublished is not None:
                data, self._unpublished = self._unpublished, None
                self._show_collected(*self._evaluated(data))
        self._on_status(replace(status, role=self._collector_role()))
        self._publish_status(status)

    def _collector_role(self) -> RoleInfo:
        return RoleInfo("collector", self.me, self.broker.name, not self.broker.reachable)

    def _publish_status(self, status: PollStatus) -> None:
        self._publisher.offer("status", encode_status(status, self.me, self._now()))

    # -- viewer ----------------------------------------------------------------------------------
    async def _watch(self) -> None:
        warned = False
        async for key, payload in self.broker.watch():
            if self.role != "viewer":  # a watch still winding down after a takeover
                return
            try:
                if key == "data":
                    before = self._data.alerts if self._data is not None else ()
                    self._data, self._data_at = decode_data(payload, self.cfg)
                    self._check_silence(emit=False)
                    self._emit_viewer_data()
                    events = transitions(before, self._data.alerts, account_name(self.cfg))
                    if events:
                        self._on_alerts(events)
                elif key == "status":
                    self._remote, self._collector, self._heard_at = decode_status(payload)
                    self._check_silence(emit=False)
                    self._emit_viewer_status()
            except WireError as exc:
                if not warned:
                    self._on_notice("error", f"cannot read what the collector published: {exc}")
                    warned = True

    def _check_silence(self, *, emit: bool = True) -> None:
        """A collector silent for several intervals (or an unreachable broker): data is stale."""
        if self.role != "viewer":
            return
        limit = STALE_FACTOR * max(self.interval, self._remote.interval if self._remote else 0)
        heard = self._heard_at
        silent = not self.broker.reachable or (
            heard is not None and (self._now() - heard).total_seconds() > limit + 1
        )
        changed = silent != self._silent
        self._silent = silent
        if emit:  # the status line's ages move on: repaint even when nothing else changed
            self._emit_viewer_status()
            if changed:
                self._emit_viewer_data()

    def _emit_viewer_data(self) -> None:
        if self._data is None:
            return
        data = self._data
        if self._silent:
            data = replace(data, stale=frozenset(streams_for(self.cfg)))
        self._on_data(data)

    def _emit_viewer_status(self) -> None:
        base = self._remote or PollStatus(interval=self.interval)
        role = RoleInfo(
            "viewer",
            self._collector,
            self.broker.name,
            broker_down=not self.broker.reachable,
            published_at=self._data_at,
            silent=self._silent,
        )
        self._on_status(replace(base, role=role))


class _Publisher:
    """Sends the newest payload of each key; a burst collapses, a down broker is retried."""

    def __init__(self, broker: Broker, on_notice: Callable[[str, str], object]) -> None:
        self.broker = broker
        self._on_notice = on_notice
        self._pending: dict[str, bytes] = {}
        self._wake = asyncio.Event()

    def offer(self, key: str, payload: bytes) -> None:
        self._pending[key] = payload
        self._wake.set()

    async def run(self) -> None:
        failing = False
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                key, payload = next(iter(self._pending.items()))
                try:
                    await self.broker.publish(key, payload)
                except BrokerDown:
                    await asyncio.sleep(1.0)  # keep the newest; try again when it is back
                    continue
                except OSError as exc:
                    if not failing:
                        self._on_notice("error", f"publishing for viewers failed: {exc}")
                    failing = True
                    await asyncio.sleep(1.0)
                    continue
                failing = False
                if self._pending.get(key) is payload:
                    del self._pending[key]
            await asyncio.sleep(PUBLISH_GAP)


async def _cancel(task: asyncio.Task[Any], wait: float | None = None) -> None:
    """Cancel ``task`` and wait until it stopped (at most ``wait`` seconds, if given)."""
    task.cancel()
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(asyncio.shield(task), wait) if wait else await task


def lead_period(cfg: Config) -> float:
    """Seconds between two tries (or renewals) of the collector lease."""
    return min(float(cfg.poll.live) / 2, LEAD_EVERY_MAX)


def make_broker(cfg: Config) -> Broker:
    """The broker named in the config: this host's state dir unless ``[broker] url`` is set."""
    from deskwatch.live.broker import LocalBroker

    if not cfg.broker.url:
        return LocalBroker(cfg.state.dir, cfg.zendesk.base_url)
    from deskwatch.live.nats_broker import NatsBroker, tls_context

    b = cfg.broker
    ca, cert, key, creds = (
        Path(v).expanduser() if v else None
        for v in (b.tls_ca, b.tls_cert, b.tls_key, b.credentials)
    )
    try:
        tls = tls_context(ca, cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"broker.tls_*: cannot load the TLS files: {exc}") from None
    if creds is not None and not creds.is_file():
        raise ConfigError(f"broker.credentials: {creds} is not a readable file")
    return NatsBroker(
        b.url,
        cfg.state.dir,
        cfg.zendesk.base_url,
        ttl=max(LEASE_TTL_MIN, LEASE_TTL * lead_period(cfg)),
        credentials=creds,
        tls=tls,
    )
