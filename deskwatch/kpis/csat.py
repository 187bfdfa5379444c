"""CSAT KPIs (KPIS.md ``csat``): good/bad ratings dated by ``updated_at``."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.agg import Sums
from deskwatch.kpis.parts import Parts
from deskwatch.kpis.stats import rate

TIMESTAMPS = ("updated_at",)


def rating_specs() -> list[Sums]:
    good, bad = pl.col("score") == "good", pl.col("score") == "bad"
    sums = {"good": good, "bad": bad}
    return [Sums("csat", "updated_at", good | bad, ("assignee_id",), sums)]


def _gbs(good: int, bad: int) -> dict[str, Any]:
    return {"good": good, "bad": bad, "score": rate(good, good + bad)}


def csat_kpis(p: Parts) -> dict[str, Any]:
    w = p.w
    table = p.table("csat")
    good, bad = table.per_slot("good"), table.per_slot("bad")
    days, t = slice(w.window_slot, None), w.today_slot
    daily = [
        {"date": d.isoformat(), **_gbs(int(good[w.window_slot + i]), int(bad[w.window_slot + i]))}
        for i, d in enumerate(w.dates)
    ]
    return {
        **_gbs(int(good[days].sum()), int(bad[days].sum())),
        "today": _gbs(int(good[t]), int(bad[t])),
        "daily": daily,
    }
