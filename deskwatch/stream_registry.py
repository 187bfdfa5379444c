"""The stream registry: every stream deskwatch syncs, named once.

The client (``deskwatch.zendesk``), the store (``deskwatch.store``) and the live layer
(``deskwatch.live``) all read the streams from here. Order is the order a sync starts them in
(the big exports first; they then run concurrently).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Cadence = Literal["live", "reference", "incremental"]


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """One stream: what it needs and how it is polled.

    ``talk``: only synced when Talk is enabled. ``snapshot``: re-read whole at each poll (no
    cursor; rows that vanished upstream vanish here). ``cadence``: which ``[poll]`` interval
    applies (``live`` for queue figures, ``reference`` for people, ``incremental`` for the
    cursor-based exports).
    """

    name: str
    talk: bool
    snapshot: bool
    cadence: Cadence


REGISTRY: tuple[StreamInfo, ...] = (
    StreamInfo("tickets", talk=False, snapshot=False, cadence="incremental"),
    StreamInfo("users", talk=False, snapshot=True, cadence="reference"),
    StreamInfo("groups", talk=False, snapshot=True, cadence="reference"),
    StreamInfo("brands", talk=False, snapshot=True, cadence="reference"),
    StreamInfo("ratings", talk=False, snapshot=False, cadence="incremental"),
    StreamInfo("calls", talk=True, snapshot=False, cadence="incremental"),
    StreamInfo("legs", talk=True, snapshot=False, cadence="incremental"),
    StreamInfo("queue", talk=True, snapshot=True, cadence="live"),
    StreamInfo("agents_activity", talk=True, snapshot=True, cadence="live"),
)
BY_NAME: dict[str, StreamInfo] = {s.name: s for s in REGISTRY}

STREAMS: tuple[str, ...] = tuple(s.name for s in REGISTRY)
TALK_STREAMS = frozenset(s.name for s in REGISTRY if s.talk)
SNAPSHOT_STREAMS = frozenset(s.name for s in REGISTRY if s.snapshot)
LIVE_STREAMS = frozenset(s.name for s in REGISTRY if s.cadence == "live")
REFERENCE_STREAMS = frozenset(s.name for s in REGISTRY if s.cadence == "reference")
