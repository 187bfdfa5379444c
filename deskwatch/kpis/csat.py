"""CSAT KPIs (KPIS.md ``csat``): good/bad ratings dated by ``updated_at``."""

from __future__ import annotations

from typing import Any

import polars as pl

from deskwatch.kpis.stats import daily_counts, rate
from deskwatch.kpis.windows import Windows, event_query, r_today, r_window


def rating_query(ratings: pl.DataFrame, w: Windows) -> pl.LazyFrame:
    """Good/bad ratings within the covered span: score, assignee_id, slot."""
    lf = ratings.lazy().filter(pl.col("score").is_in(["good", "bad"]))
    return event_query(lf, w, "updated_at", ["score", "assignee_id"])


def rating_events(ratings: pl.DataFrame, w: Windows) -> pl.DataFrame:
    return rating_query(ratings, w).collect()


def _gbs(good: int, bad: int) -> dict[str, Any]:
    return {"good": good, "bad": bad, "score": rate(good, good + bad)}


def csat_kpis(ratings: pl.DataFrame, w: Windows, ev: pl.DataFrame | None = None) -> dict[str, Any]:
    ev = rating_events(ratings, w) if ev is None else ev
    good, bad = pl.col("score") == "good", pl.col("score") == "bad"
    row = ev.select(
        (r_window(w) & good).sum().alias("wg"),
        (r_window(w) & bad).sum().alias("wb"),
        (r_today(w) & good).sum().alias("tg"),
        (r_today(w) & bad).sum().alias("tb"),
    ).row(0, named=True)
    per_day = daily_counts(ev, w, {"good": good.sum(), "bad": bad.sum()})
    daily = [
        {"date": d.isoformat(), **_gbs(int(r["good"]), int(r["bad"]))}
        for d, r in zip(w.dates, per_day, strict=True)
    ]
    return {
        **_gbs(int(row["wg"]), int(row["wb"])),
        "today": _gbs(int(row["tg"]), int(row["tb"])),
        "daily": daily,
    }
