"""Upsert: merge a batch into a frame keeping the newest version of each id.

Newest = greatest version key (tickets: ``updated_at`` then ``generated_timestamp``; others:
``updated_at``); a null version is older than any value; on a full tie the later-ingested row
wins.

Frames are kept as a chain of blocks (chunks of at most ``BLOCK_ROWS`` rows; zero-copy
slices). An upsert finds the rows it supersedes with one hash ``is_in`` pass, rewrites only
the blocks that hold them, and appends the batch as a new block; blocks untouched are shared
with the previous frame, never copied. Small appended blocks are merged once there are more
than ``SLACK_BLOCKS`` of them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

BLOCK_ROWS = 65_536
SLACK_BLOCKS = 16


def newest(df: pl.DataFrame, key: str, version: tuple[str, ...]) -> pl.DataFrame:
    """One row per ``key``: the newest version (stable: ties keep the later row)."""
    if df.height <= 1:
        return df
    return df.sort([key, *version], nulls_last=False, maintain_order=True).unique(
        subset=key, keep="last", maintain_order=True
    )


def _split(df: pl.DataFrame) -> list[pl.DataFrame]:
    df = df.rechunk()
    return [df.slice(offset, BLOCK_ROWS) for offset in range(0, df.height, BLOCK_ROWS)]


def _join(blocks: list[pl.DataFrame], like: pl.DataFrame) -> pl.DataFrame:
    blocks = [b for b in blocks if b.height]
    if not blocks:
        return like.clear()
    return pl.concat(blocks, how="vertical", rechunk=False)


def compact(df: pl.DataFrame) -> pl.DataFrame:
    """One contiguous buffer exposed as ``BLOCK_ROWS``-row chunks (zero-copy slices)."""
    return _join(_split(df), df)


def blocks(df: pl.DataFrame, key: str) -> list[pl.DataFrame]:
    """The frame's chunks as zero-copy frames (chunk boundaries read from the ``key`` column)."""
    if df.n_chunks() == 1 or any(c.n_chunks() != df.n_chunks() for c in df.get_columns()):
        return _split(df)
    out, offset = [], 0
    for length in df.get_column(key).chunk_lengths():
        out.append(df.slice(offset, length))
        offset += length
    return out


def upsert(
    base: pl.DataFrame, batch: pl.DataFrame, key: str, version: tuple[str, ...]
) -> pl.DataFrame:
    """``base`` (already one row per key) merged with ``batch``; newest version per key wins."""
    return upsert_delta(base, batch, key, version)[0]


def upsert_delta(
    base: pl.DataFrame, batch: pl.DataFrame, key: str, version: tuple[str, ...]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """:func:`upsert`, also giving the delta: ``(merged, removed, added)``.

    ``removed`` are the rows of ``base`` that were replaced, ``added`` the rows that replaced
    them plus the new ids (a replaced row may come back unchanged when it was the newest).
    """
    batch = newest(batch.filter(pl.col(key).is_not_null()), key, version)
    if batch.height == 0:
        return base, base.clear(), batch
    if base.height == 0:
        return compact(batch), base, batch
    parts = blocks(base, key)
    hit = base.get_column(key).is_in(batch.get_column(key).implode())
    removed = base.clear()
    if hit.any():
        removed = base.filter(hit)
        batch = newest(pl.concat([removed, batch], how="vertical"), key, version)
        positions = hit.arg_true().to_numpy()
        ends = np.cumsum([p.height for p in parts])
        starts = ends - np.array([p.height for p in parts])
        touched = [int(j) for j in np.unique(np.searchsorted(ends, positions, side="right"))]
        little = {j for j in touched if parts[j].height < BLOCK_ROWS // 2}
        for j in set(touched) - little:
            parts[j] = parts[j].filter(~hit.slice(int(starts[j]), parts[j].height))
        if little:  # small blocks holding replaced rows: filtered in one pass, kept as one
            keep = pl.concat([~hit.slice(int(starts[j]), parts[j].height) for j in sorted(little)])
            merged = pl.concat([parts[j] for j in sorted(little)], how="vertical").filter(keep)
            parts = [b for j, b in enumerate(parts) if j not in little] + [merged]
    parts.append(batch.rechunk())
    small = [p for p in parts if p.height < BLOCK_ROWS // 2]
    if len(small) > SLACK_BLOCKS:
        big = [p for p in parts if p.height >= BLOCK_ROWS // 2]
        parts = big + _split(pl.concat(small, how="vertical"))
    return _join(parts, base), removed, batch
