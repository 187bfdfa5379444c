"""CSAT KPIs (KPIS.md ``csat``): good/bad ratings dated by ``updated_at``."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.agg import Sums
from deskwatch.kpis.parts import Parts, window
from deskwatch.kpis.stats import rate

TIMESTAMPS = ("updated_at",)


def rating_specs() -> list[Sums]:
    good, bad = pl.col("score") == "good", pl.col("score") == "bad"
    sums = {"n": pl.lit(1, dtype=pl.Int64), "good": good.cast(pl.Int64), "bad": bad.cast(pl.Int64)}
    return [Sums("csat", "updated_at", good | bad, ("assignee_id",), sums)]


def _gbs(good: int, bad: int) -> dict[str, Any]:
    return {"good": good, "bad": bad, "score": rate(good, good + bad)}


def csat_kpis(p: Parts) -> dict[str, Any]:
    w = p.w
    table = p.sums["csat"]
    per_day = {
        s: (int(g), int(b))
        for s, g, b in table.group_by("slot").agg(pl.col("good", "bad").sum()).iter_rows()
    }
    in_window = window(table, w)
    today = per_day.get(w.today_slot, (0, 0))
    daily = [
        {"date": d.isoformat(), **_gbs(*per_day.get(w.window_slot + i, (0, 0)))}
        for i, d in enumerate(w.dates)
    ]
    return {
        **_gbs(int(in_window.get_column("good").sum()), int(in_window.get_column("bad").sum())),
        "today": _gbs(*today),
        "daily": daily,
    }
