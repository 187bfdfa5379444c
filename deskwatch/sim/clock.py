"""The simulator clock: the real wall clock, with test hooks to advance or freeze it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SimClock:
    """Epoch seconds as floats; ``advance``/``freeze``/``set`` are test and control hooks."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0
        self._frozen: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return self._source() + self._offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            if self._frozen is not None:
                self._frozen += seconds
                return self._frozen
            self._offset += seconds
            return self._source() + self._offset

    def freeze(self, at: float | None = None) -> float:
        with self._lock:
            if at is None:
                at = self._frozen if self._frozen is not None else self._source() + self._offset
            self._frozen = at
            return at

    def unfreeze(self) -> float:
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - self._source()
                self._frozen = None
            return self._source() + self._offset

    def set(self, at: float) -> float:
        with self._lock:
            if self._frozen is not None:
                self._frozen = at
            else:
                self._offset = at - self._source()
            return at

    @property
    def frozen(self) -> bool:
        return self._frozen is not None
