"""Crash safety: SIGKILL a writer mid-persist; the next start loads a consistent cache.

The writer resumes from the state dir, then repeatedly ingests batch ``i`` (ids
``(i-1)*B+1 .. i*B``), sets cursor ``i`` and persists. Consistent means: the loaded cursor
``c`` comes with exactly the tickets of batches ``1..c`` (never a cursor ahead of its data),
and no file is reported damaged.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskwatch.store import Cache

BATCH = 20_000
WRITER = f"""
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
import polars as pl
from deskwatch.store import Cache
from deskwatch.store.schema import build_frame

state = Path(sys.argv[1])
cache = Cache.load(state)
start = int(cache.cursor("tickets") or 0) + 1
t0 = datetime(2026, 1, 1, tzinfo=UTC)
template = build_frame("tickets", [{{"id": 1, "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z", "status": "open", "tags": ["a"]}}])
for i in range(start, start + 1000):
    ids = pl.Series("id", range((i - 1) * {BATCH} + 1, i * {BATCH} + 1), dtype=pl.Int64)
    batch = template.select(pl.all().gather([0] * {BATCH})).with_columns(ids)
    cache.ingest_frame("tickets", batch)
    cache.set_cursor("tickets", str(i))
    print("persisting", i, flush=True)
    cache.persist(state)
"""


def check_consistent(state: Path) -> int:
    cache = Cache.load(state)
    assert cache.warnings == []
    cursor = int(cache.cursor("tickets") or 0)
    ids = cache.frames.tickets["id"]
    assert ids.len() == cursor * BATCH
    if cursor:
        assert ids.min() == 1 and ids.max() == cursor * BATCH and ids.n_unique() == ids.len()
    return cursor


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_persist_leaves_a_consistent_cache(tmp_path: Path) -> None:
    rng = random.Random(5)
    state = tmp_path / "state"
    cursors, mid_write = [], 0
    for _round in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(state)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "POLARS_MAX_THREADS": "1"},
        )
        assert proc.stdout is not None
        seen = 0
        while seen < rng.randint(1, 3):  # let it get a few persists in, then kill one midway
            line = proc.stdout.readline()
            assert line.startswith("persisting"), line
            seen += 1
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        mid_write += any(p.name.endswith(".tmp") for p in state.iterdir())
        cursors.append(check_consistent(state))
    assert cursors == sorted(cursors) and cursors[-1] >= 1  # progress survives the kills
    assert mid_write >= 1  # at least one kill really landed inside a write
