"""Ticket subjects stay out of memory: kept in persisted pieces, a persist adds at most one
small piece and merges them now and then (the count stays bounded), a listing's subjects are
always the newest ingested, across persists, restarts and merges; a cache written before
pieces existed (subjects inside the tickets file) keeps them and moves them to a base piece."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from deskwatch.store import Cache
from deskwatch.store.cache import MAX_PIECES
from deskwatch.store.persist import MANIFEST, PIECES, _crc32
from tests.unit.kpi_records import ticket

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def rec(tid: int, subject: str, gen: int) -> dict[str, object]:
    r = ticket(tid, T0, updated=T0 + timedelta(minutes=gen), gen=gen)
    r["subject"] = subject
    return r


def pieces(state: Path) -> list[str]:
    entry = json.loads((state / MANIFEST).read_text())["streams"]["tickets"]
    return [p["file"] for p in entry.get(PIECES, [])]


def test_subjects_follow_every_change_across_persists_restarts_and_merges(tmp_path: Path) -> None:
    rng = random.Random(5)
    model: dict[int, str] = {}
    cache = Cache()
    gen = 0
    most = 0
    for step in range(40):
        batch = []
        for _ in range(rng.randint(1, 30)):
            tid = rng.randint(1, 300)
            gen += 1
            model[tid] = f"subject {tid} v{gen}"
            batch.append(rec(tid, model[tid], gen))
        cache.ingest("tickets", batch)
        before = set(pieces(tmp_path)) if (tmp_path / MANIFEST).exists() else set()
        cache.persist(tmp_path)
        after = pieces(tmp_path)
        assert len(after) <= MAX_PIECES + 1
        assert len(set(after) - before) <= 2  # the new subjects, and maybe one merge
        most = max(most, len(after))
        assert "subject" not in cache.frames.tickets.columns
        if step % 7 == 3:
            cache = Cache.load(tmp_path)
            assert not cache.warnings
        ids = pl.Series(sorted(model))
        assert dict(cache.subjects(ids).iter_rows()) == model, step
    assert most >= MAX_PIECES  # merges did happen
    # only the files the manifest names are left
    named = set(pieces(tmp_path)) | {
        json.loads((tmp_path / MANIFEST).read_text())["streams"]["tickets"]["file"]
    }
    assert {
        p.name for p in tmp_path.glob("*.parquet") if p.name.startswith(("subjects", "tickets"))
    } == named


def test_a_cache_with_subjects_in_its_tickets_file_keeps_them(tmp_path: Path) -> None:
    """The layout before pieces: the tickets file holds the subject column, no pieces."""
    cache = Cache()
    cache.ingest("tickets", [rec(i, f"old {i}", 1) for i in range(1, 21)])
    cache.persist(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    entry = manifest["streams"]["tickets"]
    path = tmp_path / entry["file"]
    subjects = pl.concat([pl.read_parquet(tmp_path / p["file"]) for p in entry.pop(PIECES)])
    for p in tmp_path.glob("subjects.*.parquet"):
        p.unlink()
    full = pl.read_parquet(path).join(subjects, on="id", how="left")
    from deskwatch.store.schema import schema_of

    full.select(schema_of("tickets").names()).write_parquet(path, compression="lz4")
    entry["bytes"], entry["crc32"] = path.stat().st_size, _crc32(path)
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))

    old = Cache.load(tmp_path)
    assert not old.warnings and "subject" not in old.frames.tickets.columns
    ids = pl.Series(range(1, 21))
    assert dict(old.subjects(ids).iter_rows()) == {i: f"old {i}" for i in range(1, 21)}
    old.ingest("tickets", [rec(3, "renamed", 2)])
    old.persist(tmp_path)  # the subjects move to a base piece; the tickets file is lean
    assert len(pieces(tmp_path)) == 2
    back = Cache.load(tmp_path)
    want = {i: f"old {i}" for i in range(1, 21)} | {3: "renamed"}
    assert dict(back.subjects(ids).iter_rows()) == want
    lean = json.loads((tmp_path / MANIFEST).read_text())["streams"]["tickets"]["file"]
    assert "subject" not in pl.read_parquet_schema(tmp_path / lean)


def test_a_damaged_piece_resyncs_the_tickets(tmp_path: Path) -> None:
    cache = Cache()
    cache.ingest("tickets", [rec(1, "one", 1)])
    cache.set_cursor("tickets", "c1")
    cache.persist(tmp_path)
    (tmp_path / pieces(tmp_path)[0]).write_bytes(b"PAR1 broken")
    back = Cache.load(tmp_path)
    assert back.frames.tickets.height == 0 and back.cursor("tickets") is None
    assert "tickets" in back.warnings[0] and "\n" not in back.warnings[0]
