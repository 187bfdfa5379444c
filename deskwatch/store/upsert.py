"""Upsert: merge a batch into a frame keeping the newest version of each id.

Newest = greatest version key (tickets: ``updated_at`` then ``generated_timestamp``; others:
``updated_at``); a null version is older than any value; on a full tie the later-ingested row
wins. Cost is one hash ``is_in`` pass over the existing frame plus work on the batch only.
"""

from __future__ import annotations

import polars as pl

MAX_CHUNKS = 8


def newest(df: pl.DataFrame, key: str, version: tuple[str, ...]) -> pl.DataFrame:
    """One row per ``key``: the newest version (stable: ties keep the later row)."""
    if df.height <= 1:
        return df
    return df.sort([key, *version], nulls_last=False, maintain_order=True).unique(
        subset=key, keep="last", maintain_order=True
    )


def upsert(
    base: pl.DataFrame, batch: pl.DataFrame, key: str, version: tuple[str, ...]
) -> pl.DataFrame:
    """``base`` (already one row per key) merged with ``batch``; newest version per key wins."""
    batch = newest(batch.filter(pl.col(key).is_not_null()), key, version)
    if batch.height == 0:
        return base
    if base.height == 0:
        return batch
    ids = batch.get_column(key).implode()
    hit = pl.col(key).is_in(ids)
    old = base.filter(hit)
    if old.height:
        batch = newest(pl.concat([old, batch], how="vertical"), key, version)
        base = base.filter(~hit)
    out = pl.concat([base, batch], how="vertical", rechunk=False)
    if out.n_chunks() > MAX_CHUNKS:
        out = out.rechunk()
    return out
