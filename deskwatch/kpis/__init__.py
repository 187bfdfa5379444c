"""Pure KPI functions: ``compute_snapshot(frames, cfg, now) -> KpiSnapshot`` (see KPIS.md).

``KpiEngine`` computes the same snapshot and keeps it up to date by deltas (the app's poller).
"""

from deskwatch.kpis.compute import compute_snapshot
from deskwatch.kpis.engine import KpiEngine
from deskwatch.kpis.ops import OpsFigures
from deskwatch.kpis.snapshot import SCHEMA, KpiSnapshot

__all__ = ["SCHEMA", "KpiEngine", "KpiSnapshot", "OpsFigures", "compute_snapshot"]
