"""Pure KPI functions: ``compute_snapshot(frames, cfg, now) -> KpiSnapshot`` (see KPIS.md)."""

from deskwatch.kpis.compute import compute_snapshot
from deskwatch.kpis.ops import OpsFigures, ops_figures
from deskwatch.kpis.snapshot import SCHEMA, KpiSnapshot

__all__ = ["SCHEMA", "KpiSnapshot", "OpsFigures", "compute_snapshot", "ops_figures"]
