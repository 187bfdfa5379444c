"""The pipeline's middle, no Textual: sync (client -> cache), the data source (cache -> KPI
snapshot), the poller (every stream at its own cadence, never overlapping) and the
:class:`~deskwatch.live.dashboard.DashboardData` bundle it hands the screens.
"""
