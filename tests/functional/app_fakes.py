"""Fakes for the app pilot tests: placeholder dashboards and an in-memory data source."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Static

from deskwatch.app import DeskwatchApp
from deskwatch.config import Config, build_config
from deskwatch.live.dashboard import DashboardData
from deskwatch.screens.base import DashboardScreen

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)


class Placeholder(DashboardScreen):
    MODE: ClassVar[str] = "ops"
    TITLE: ClassVar[str | None] = "Operations"

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[DashboardData] = []

    def compose(self) -> ComposeResult:
        yield Static(f"{self.MODE} body", id="body")

    def show(self, data: DashboardData) -> None:
        self.shown.append(data)
        if self.is_mounted:
            snap = data.snapshot or {}
            self.query_one("#body", Static).update(f"{self.MODE} v{snap.get('version')}")


class KpiPlaceholder(Placeholder):
    MODE: ClassVar[str] = "kpi"
    TITLE: ClassVar[str | None] = "KPIs"


class AgentsPlaceholder(Placeholder):
    MODE: ClassVar[str] = "agents"
    TITLE: ClassVar[str | None] = "Agents"


class Status:
    """Looks like ZendeskClient.status."""

    def __init__(self, **kw: Any) -> None:
        self.state = kw.get("state", "ok")
        self.retry_at = kw.get("retry_at")
        self.requests_last_minute = kw.get("requests_last_minute", 12)
        self.allowed_per_minute = kw.get("allowed_per_minute", 175)
        self.errors = kw.get("errors", 0)


class FakeSource:
    """Streams sync instantly (or fail with ``fail``); compute returns the data version."""

    def __init__(self, streams: tuple[str, ...] = ("tickets", "queue")) -> None:
        self._streams = streams
        self.version = 0
        self.calls: list[str] = []
        self.fail: Exception | None = None
        self.gate: asyncio.Event | None = None
        self.client_status: Any = Status()
        self.persists = 0

    def streams(self) -> tuple[str, ...]:
        return self._streams

    def needs_first_sync(self, stream: str) -> bool:
        return False

    def has_data(self) -> bool:
        return False

    def status(self) -> Any:
        return self.client_status

    async def sync(self, stream: str, on_progress: Callable[[Any], None]) -> int:
        self.calls.append(stream)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        self.version += 1
        return 1

    async def compute(self, now: datetime) -> Any:
        return {"version": self.version}

    async def persist(self) -> None:
        self.persists += 1


def config(keys: dict[str, str] | None = None, **display: Any) -> Config:
    data: dict[str, Any] = {"poll": {"live": 10, "incremental": 60, "reference": 900}}
    if keys:
        data["keys"] = keys
    if display:
        data["display"] = display
    return build_config(data, env={}, require_account=False)


def make_app(
    cfg: Config | None = None,
    source: FakeSource | None = None,
    dashboards: tuple[type[DashboardScreen], ...] = (Placeholder, KpiPlaceholder),
    **kw: Any,
) -> DeskwatchApp:
    return DeskwatchApp(
        cfg or config(),
        source or FakeSource(),
        clock=lambda: NOW,
        dashboards=dashboards,
        **kw,
    )
