"""CSAT KPIs (KPIS.md ``csat``): good/bad ratings dated by ``updated_at``."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.stats import daily_counts, rate
from deskwatch.kpis.windows import Windows, in_today, in_window


def rated(ratings: pl.DataFrame) -> pl.LazyFrame:
    return ratings.lazy().filter(pl.col("score").is_in(["good", "bad"]))


def _gbs(good: int, bad: int) -> dict[str, Any]:
    return {"good": good, "bad": bad, "score": rate(good, good + bad)}


def csat_kpis(ratings: pl.DataFrame, w: Windows) -> dict[str, Any]:
    lf = rated(ratings)
    good, bad = pl.col("score") == "good", pl.col("score") == "bad"
    row = (
        lf.select(
            (in_window("updated_at", w) & good).sum().alias("wg"),
            (in_window("updated_at", w) & bad).sum().alias("wb"),
            (in_today("updated_at", w) & good).sum().alias("tg"),
            (in_today("updated_at", w) & bad).sum().alias("tb"),
        )
        .collect()
        .row(0, named=True)
    )
    per_day = daily_counts(lf, "updated_at", w, {"good": good.sum(), "bad": bad.sum()})
    daily = []
    for i, d in enumerate(w.dates):
        r = per_day.get(i, {})
        daily.append({"date": d.isoformat(), **_gbs(int(r.get("good", 0)), int(r.get("bad", 0)))})
    return {
        **_gbs(int(row["wg"]), int(row["wb"])),
        "today": _gbs(int(row["tg"]), int(row["tb"])),
        "daily": daily,
    }
