"""A simulated Zendesk account served over real HTTP on 127.0.0.1 (see ``start_simulator``)."""

from __future__ import annotations

from deskwatch.sim.clock import SimClock
from deskwatch.sim.faults import Faults
from deskwatch.sim.handle import SimHandle, start_simulator

__all__ = ["Faults", "SimClock", "SimHandle", "start_simulator"]
