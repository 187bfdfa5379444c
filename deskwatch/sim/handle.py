"""``start_simulator``: generate the account, serve it on 127.0.0.1 in its own thread + loop."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, TypeVar

from aiohttp import web

from deskwatch.sim.account import Account, generate_account
from deskwatch.sim.auth import AuthState
from deskwatch.sim.clock import SimClock
from deskwatch.sim.faults import Faults, profile
from deskwatch.sim.limits import PLANS, RateLimiter
from deskwatch.sim.live import LiveState, catch_up, init_live, run_live
from deskwatch.sim.records import user as render_user
from deskwatch.sim.routes import me_row
from deskwatch.sim.server import build_app
from deskwatch.sim.state import SimState, check_page_sizes

HOST = "127.0.0.1"
T = TypeVar("T")


class SimHandle:
    """A running simulator. Thread-safe: every method marshals onto the simulator's loop."""

    def __init__(self, sim: SimState) -> None:
        self.sim = sim
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="deskwatch-sim", daemon=True)
        self._ready = threading.Event()
        self._runner: web.AppRunner | None = None
        self._live: asyncio.Task[None] | None = None
        self.live_state: LiveState = init_live(sim.account)
        self._error: BaseException | None = None
        self._stopped = False
        self.live_enabled = True

    # -- lifecycle -------------------------------------------------------------------
    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    async def _start(self) -> None:
        await self._open_site()
        if self.live_enabled:
            self._live = asyncio.create_task(run_live(self.sim, self.live_state))

    async def _open_site(self) -> None:
        runner = web.AppRunner(build_app(self.sim), access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, HOST, self.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def _close_site(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def _start_thread(self, port: int) -> None:
        self.port = port
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise OSError(f"cannot serve the simulator on {HOST}:{port}: {self._error}")

    async def _shutdown(self) -> None:
        if self._live is not None:
            self._live.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._live
        await self._close_site()

    def stop(self) -> None:
        if self._stopped or not self._thread.is_alive():
            return
        self._stopped = True
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        with contextlib.suppress(Exception):
            fut.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> SimHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the simulator loop (so it never races a request) and return its result."""
        if not self._thread.is_alive():
            return fn()

        async def run() -> T:
            return fn()

        fut: Future[T] = asyncio.run_coroutine_threadsafe(run(), self._loop)
        return fut.result(timeout=30)

    # -- what clients need -----------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def access_token(self) -> str:
        return self.sim.auth.access_token

    @property
    def refresh_token(self) -> str:
        return self.sim.auth.refresh_token

    @property
    def client_id(self) -> str:
        return self.sim.auth.client_id

    @property
    def client_secret(self) -> str:
        return self.sim.auth.client_secret

    @property
    def email(self) -> str:
        return self.sim.auth.email

    @property
    def api_token(self) -> str:
        return self.sim.auth.api_token

    def config_toml(self, method: str = "oauth", *, refresh: bool = False, **budget: float) -> str:
        """A ready ``[zendesk]`` block (``refresh`` adds a refresh token and the OAuth client)
        and a ``[budget]`` block: ``exports_per_minute`` this simulator's export limit a minute
        unless given, and any other ``budget`` key given (e.g. ``share=1.0``)."""
        lines = ["[zendesk]", f'url = "{self.url}"', "", "[zendesk.auth]", f'method = "{method}"']
        if method == "oauth":
            lines.append(f'access_token = "{self.access_token}"')
            if refresh:
                lines += [
                    f'refresh_token = "{self.refresh_token}"',
                    f'client_id = "{self.client_id}"',
                    f'client_secret = "{self.client_secret}"',
                ]
        elif method == "oauth_client_credentials":
            lines += [f'client_id = "{self.client_id}"', f'client_secret = "{self.client_secret}"']
        else:
            lines += [f'email = "{self.email}"', f'api_token = "{self.api_token}"']
        budget = {"exports_per_minute": self.sim.limiter.incremental_limit, **budget}
        lines += ["", "[budget]", *(f"{key} = {value}" for key, value in budget.items())]
        return "\n".join(lines) + "\n"

    # -- test hooks ------------------------------------------------------------------
    def now(self) -> float:
        return self.sim.clock.now()

    def set_faults(self, profile_name: str | None = None, **changes: Any) -> dict[str, Any]:
        if profile_name is not None:
            changes["profile"] = profile_name

        def apply() -> dict[str, Any]:
            self.sim.set_faults(self.sim.faults.update(changes))
            return self.sim.faults.to_dict()

        return self.call(apply)

    def advance_clock(self, seconds: float) -> float:
        return self.call(lambda: self.sim.clock.advance(seconds))

    def freeze_clock(self, at: float | None = None) -> float:
        return self.call(lambda: self.sim.clock.freeze(at))

    def unfreeze_clock(self) -> float:
        return self.call(self.sim.clock.unfreeze)

    def step(self, seconds: float) -> int:
        """Advance the clock by ``seconds`` and apply that much live activity now.

        Works with ``live=False`` too (the background task stays off); returns the changes made.
        """

        def run() -> int:
            if self.live_state.last == 0.0:
                self.live_state.last = self.sim.clock.now()
            self.sim.clock.advance(seconds)
            return catch_up(self.sim, self.live_state)

        return self.call(run)

    def revoke_tokens(self) -> None:
        self.call(self.sim.auth.revoke_all)

    def issue_token(self, *, printed: bool = False) -> str:
        """A new access token that never expires, as an admin would create in Admin Center
        (e.g. to replace one that :meth:`revoke_tokens` killed); ``printed``: it becomes the
        token :meth:`config_toml` writes."""

        def run() -> str:
            token = secrets.token_hex(20)
            self.sim.auth.access[token] = (self.sim.clock.now(), float("inf"))
            if printed:
                self.sim.auth.access_token = token
            return token

        return self.call(run)

    def go_away(self) -> None:
        """The server is gone: the port closes (connections refused) and open connections
        drop, as when the process stops; the account, clock and faults are kept."""
        self._on_loop(self._close_site())

    def come_back(self) -> None:
        """Serve again on the same port after :meth:`go_away`."""
        self._on_loop(self._open_site())

    @property
    def gone(self) -> bool:
        return self._runner is None

    def _on_loop(self, coro: Any) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)


def start_simulator(
    *,
    seed: int = 7,
    speed: float = 60.0,
    history_days: int = 90,
    plan: str = "enterprise",
    faults: str | Faults = "none",
    token: str | None = None,
    port: int = 0,
    tickets: int | None = None,
    calls: int | None = None,
    agents: int = 40,
    tz: str = "UTC",
    clock: SimClock | None = None,
    token_ttl: float = 1800.0,
    incremental_limit: int = 10,
    account_limit: int | None = None,
    export_lag: int = 0,
    ratings_time_field: str = "updated",
    live: bool = True,
    account: Account | None = None,
    page_sizes: Mapping[str, int] | None = None,
) -> SimHandle:
    """Generate a seeded account (or serve ``account``); returns once the port is bound.

    ``page_sizes``: the most records one page holds, per stream (tickets, users, groups,
    ratings, calls, legs, agents_activity), e.g. ``{"calls": 100}``; a client asking for less
    gets less. Absent streams page at the endpoint's maximum (1000 exports, 100 lists).
    """
    sizes = check_page_sizes(dict(page_sizes or {}))
    if plan not in PLANS:
        raise ValueError(f"unknown plan {plan!r}; choose one of {', '.join(PLANS)}")
    fault_config = profile(faults) if isinstance(faults, str) else faults
    if speed < 0:
        raise ValueError("speed must be >= 0")
    if ratings_time_field not in ("created", "updated"):
        raise ValueError("ratings_time_field must be 'created' or 'updated'")
    clock = clock or SimClock()
    account = account or generate_account(
        seed=seed, now=clock.now(), history_days=history_days, tickets=tickets, calls=calls,
        agents=agents, tz=tz,
    )  # fmt: skip
    auth = AuthState(
        clock=clock,
        access_token=token or secrets.token_hex(20),
        email="",
        api_token=secrets.token_hex(20),
        token_ttl=token_ttl,
    )
    sim = SimState(
        account=account,
        clock=clock,
        auth=auth,
        limiter=RateLimiter(clock, plan, incremental_limit, account_limit),
        faults=fault_config,
        speed=speed,
        export_lag=export_lag,
        ratings_time_field=ratings_time_field,
        page_sizes=sizes,
    )
    sim.set_faults(fault_config)
    auth.email = render_user(account, "", me_row(sim))["email"]
    handle = SimHandle(sim)
    handle.live_enabled = live and speed > 0
    handle._start_thread(port)
    return handle
