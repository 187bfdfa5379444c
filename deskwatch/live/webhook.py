"""Alert webhooks: a JSON POST per alert event, in the background, retried with backoff.

:class:`WebhookSender` takes events (:meth:`send` never blocks and never raises) and posts
them one by one from :meth:`run`: the configured URL (the rule's own, else ``[alerts]
webhook_url``), the body :meth:`AlertEvent.payload` (``format = "slack"``: ``{"text": ...}``).
A 5xx, 429 or a network error is retried after 1, 2, 4, 8 s (then the event is dropped and
counted); any other 4xx is not retried. The URL is a secret: it is never logged or shown, and
no event carries a credential (the account is its host name).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from deskwatch.config import Config
from deskwatch.config.rules import AlertRule
from deskwatch.kpis.alerts import AlertEvent

BACKOFF = (1.0, 2.0, 4.0, 8.0)
TIMEOUT = 10.0


@dataclass(frozen=True)
class Target:
    url: str
    format: str


def target(cfg: Config, rule: AlertRule | None = None) -> Target | None:
    """Where an event of ``rule`` goes (None: no webhook configured)."""
    url = (rule.webhook_url if rule else "") or cfg.alerts.webhook_url.reveal()
    if not url:
        return None
    return Target(url, (rule.format if rule else "") or cfg.alerts.format)


def body(event: AlertEvent, fmt: str) -> dict[str, object]:
    if fmt == "slack":
        return {"text": event.text}
    return event.payload()


class WebhookSender:
    def __init__(
        self,
        cfg: Config,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backoff: tuple[float, ...] = BACKOFF,
    ) -> None:
        self.cfg = cfg
        self._client = client
        self._sleep = sleep
        self._backoff = backoff
        self._queue: asyncio.Queue[tuple[AlertEvent, Target]] = asyncio.Queue()
        self.sent = 0
        self.failed = 0
        #: the last failure, worded without the URL
        self.last_error = ""

    def send(self, event: AlertEvent, rule: AlertRule | None = None) -> bool:
        """Queue ``event`` (False: no webhook for it)."""
        where = target(self.cfg, rule)
        if where is None:
            return False
        self._queue.put_nowait((event, where))
        return True

    async def run(self) -> None:
        """Post queued events until cancelled."""
        client = self._client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)
        try:
            while True:
                event, where = await self._queue.get()
                await self._post(client, event, where)
                self._queue.task_done()
        finally:
            if self._client is None:
                await client.aclose()

    async def drain(self) -> None:
        """Wait until every queued event was posted or given up (for tests and `alerts test`)."""
        await self._queue.join()

    async def _post(self, client: httpx.AsyncClient, event: AlertEvent, where: Target) -> None:
        for attempt in range(len(self._backoff) + 1):
            try:
                response = await client.post(where.url, json=body(event, where.format))
            except httpx.HTTPError as exc:
                self.last_error = f"webhook: {type(exc).__name__}"
            else:
                if response.status_code < 300:
                    self.sent += 1
                    return
                self.last_error = f"webhook: HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    break  # the receiver refuses it: retrying will not help
            if attempt < len(self._backoff):
                await self._sleep(self._backoff[attempt])
        self.failed += 1
