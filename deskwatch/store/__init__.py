"""Polars cache of synced Zendesk records, with atomic persistence in the state dir."""

from deskwatch.store.cache import Cache, Change, Frames
from deskwatch.stream_registry import STREAMS, TALK_STREAMS

__all__ = ["STREAMS", "TALK_STREAMS", "Cache", "Change", "Frames"]
