"""View models: what each dashboard shows, as frozen values computed without Textual.

Each dashboard module has a pure ``view(snapshot, cfg, now) -> <Name>View`` that reads the
figures it lists from the KPI catalogue (``deskwatch.kpis.catalogue``) and formats them; the
Textual screen only renders the value (as the status bar renders ``describe()``), so what a
supervisor sees is unit-tested without a terminal.
"""
