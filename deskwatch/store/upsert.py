"""Upsert: merge a batch into a frame keeping the newest version of each id.

Newest = greatest version key (tickets: ``updated_at`` then ``generated_timestamp``; others:
``updated_at``); a null version is older than any value; on a full tie the later-ingested row
wins.

Frames are kept in blocks of ``BLOCK_ROWS`` rows (zero-copy slices of one buffer, see
:func:`compact`). Removing superseded rows then only copies the blocks that hold them: Polars
passes blocks whose filter mask is all true through untouched. Since rows arrive roughly in
``updated_at`` order, the tickets that change again are mostly in the newest blocks, so an
upsert of a small batch costs one hash ``is_in`` pass plus a few blocks, not a full copy.
"""

from __future__ import annotations

import polars as pl

BLOCK_ROWS = 65_536
SLACK_CHUNKS = 24  # appended batches tolerated before the frame is compacted again


def newest(df: pl.DataFrame, key: str, version: tuple[str, ...]) -> pl.DataFrame:
    """One row per ``key``: the newest version (stable: ties keep the later row)."""
    if df.height <= 1:
        return df
    return df.sort([key, *version], nulls_last=False, maintain_order=True).unique(
        subset=key, keep="last", maintain_order=True
    )


def compact(df: pl.DataFrame) -> pl.DataFrame:
    """One contiguous buffer, exposed as ``BLOCK_ROWS``-row chunks (zero-copy slices)."""
    df = df.rechunk()
    if df.height <= BLOCK_ROWS:
        return df
    blocks = [df.slice(offset, BLOCK_ROWS) for offset in range(0, df.height, BLOCK_ROWS)]
    return pl.concat(blocks, how="vertical", rechunk=False)


def _needs_compaction(df: pl.DataFrame) -> bool:
    return df.n_chunks() > df.height // BLOCK_ROWS + 1 + SLACK_CHUNKS


def upsert(
    base: pl.DataFrame, batch: pl.DataFrame, key: str, version: tuple[str, ...]
) -> pl.DataFrame:
    """``base`` (already one row per key) merged with ``batch``; newest version per key wins."""
    batch = newest(batch.filter(pl.col(key).is_not_null()), key, version)
    if batch.height == 0:
        return base
    if base.height == 0:
        return compact(batch)
    ids = batch.get_column(key).implode()
    hit = pl.col(key).is_in(ids)
    old = base.filter(hit)
    if old.height:
        batch = newest(pl.concat([old, batch], how="vertical"), key, version)
        base = base.filter(~hit)
    out = pl.concat([base, batch.rechunk()], how="vertical", rechunk=False)
    return compact(out) if _needs_compaction(out) else out
