"""Following the cache's changes through a ticket filter, exactly (no rebuild).

A ticket change is narrowed row by row: the replaced version counted iff it passed the filter,
the new one counts iff it passes. Ratings follow their ticket, so a batch of changes also moves
the ratings of every ticket that entered or left the filter. With ``R0``/``K0`` the ratings and
kept tickets before the batch and ``R1``/``K1`` after it, the ratings state must go from
``{r in R0: r.ticket in K0}`` to ``{r in R1: r.ticket in K1}``: only the ratings the batch
touched and those of tickets whose membership changed can differ, so one change removes those
rows as they were (``R0``: the version a rating had before its first change in the batch) and
adds them as they are (``R1``: the final frame).
"""

from __future__ import annotations

import polars as pl

from deskwatch.kpis.filters import TicketFilter
from deskwatch.store.cache import Change, Frames


def _membership(change: Change, keep: pl.Expr, order: int) -> pl.DataFrame:
    """(id, order, before, after) of each ticket the change replaced or added."""
    assert change.removed is not None and change.added is not None
    before = change.removed.select("id", keep.alias("before"))
    after = change.added.select("id", keep.alias("after"))
    return after.join(before, on="id", how="left").select(
        "id",
        pl.lit(order).alias("order"),
        pl.col("before").fill_null(False),
        "after",
    )


def narrow_changes(changes: list[Change], frames: Frames, flt: TicketFilter) -> list[Change]:
    """``changes`` (none swaps a frame) as the filtered universe sees them; ``frames``: the
    frames after the last change."""
    keep = flt.tickets()
    out: list[Change] = []
    moves: list[pl.DataFrame] = []
    ratings: list[Change] = []
    for n, change in enumerate(changes):
        assert change.removed is not None and change.added is not None
        if change.stream == "tickets":
            moves.append(_membership(change, keep, n))
            out.append(
                Change(
                    change.version,
                    "tickets",
                    change.removed.filter(keep),
                    change.added.filter(keep),
                )
            )
        elif change.stream == "ratings":
            ratings.append(change)
        else:
            out.append(change)
    moved = _moved(moves)
    if ratings or moved.len():
        out.append(_ratings_change(ratings, moved, frames, keep))
    return out


def _moved(moves: list[pl.DataFrame]) -> pl.Series:
    """Ticket ids whose membership differs after the batch from before it."""
    if not moves:
        return pl.Series("id", [], dtype=pl.Int64)
    net = (
        pl.concat(moves)
        .sort("order")
        .group_by("id")
        .agg(pl.col("before").first(), pl.col("after").last())
    )
    return net.filter(pl.col("before") != pl.col("after")).get_column("id")


def _ratings_change(
    changes: list[Change], moved: pl.Series, frames: Frames, keep: pl.Expr
) -> Change:
    final = frames.ratings
    empty = final.clear()
    # every rating the batch touched, and its version before the batch (absent: it is new)
    touched = pl.concat([c.added for c in changes if c.added is not None] or [empty]).get_column(
        "id"
    )
    seen: set[int] = set()
    before: list[pl.DataFrame] = [empty]
    for c in changes:
        assert c.removed is not None and c.added is not None
        new = [i for i in c.added.get_column("id").to_list() if i not in seen]
        seen.update(new)
        if new:
            before.append(c.removed.filter(pl.col("id").is_in(new)))
    r0_touched = pl.concat(before)
    r1_touched = final.filter(pl.col("id").is_in(touched.implode()))
    # the untouched ratings of tickets that entered or left the filter: the same before and after
    others = final.filter(
        pl.col("ticket_id").is_in(moved.implode()).fill_null(False)
        & ~pl.col("id").is_in(touched.implode())
    )
    refs = pl.concat([f.get_column("ticket_id") for f in (r0_touched, r1_touched, others)])
    refs = refs.drop_nulls()
    k1 = frames.tickets.filter(pl.col("id").is_in(refs.implode()) & keep).get_column("id")
    in_k1 = pl.col("ticket_id").is_in(k1.implode()).fill_null(False)
    in_moved = pl.col("ticket_id").is_in(moved.implode()).fill_null(False)
    in_k0 = in_k1 ^ in_moved  # membership before the batch
    removed = pl.concat([r0_touched.filter(in_k0), others.filter(in_k0)])
    added = pl.concat([r1_touched.filter(in_k1), others.filter(in_k1)])
    version = max((c.version for c in changes), default=0)
    return Change(version, "ratings", removed, added)
