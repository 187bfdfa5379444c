"""Persistence: round trip, only changed frames rewritten, corrupt files set aside and re-synced."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskwatch.store import Cache
from deskwatch.store.persist import MANIFEST
from tests.unit.kpi_records import call, ticket

T0 = datetime(2026, 5, 1, 8, tzinfo=UTC)


def filled() -> Cache:
    c = Cache()
    c.ingest("tickets", [ticket(i, T0, reply=i) for i in range(1, 6)])
    c.set_cursor("tickets", "cursor-5")
    c.ingest("calls", [call(1, T0)])
    c.set_cursor("calls", "1700000000")
    return c


def test_round_trip(tmp_path: Path) -> None:
    c = filled()
    c.persist(tmp_path)
    back = Cache.load(tmp_path)
    assert back.warnings == []
    assert back.frames.tickets.equals(c.frames.tickets)
    assert back.frames.calls.equals(c.frames.calls)
    assert back.cursors == {"tickets": "cursor-5", "calls": "1700000000"}
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_dir_is_an_empty_cache(tmp_path: Path) -> None:
    c = Cache.load(tmp_path / "nope")
    assert c.frames.tickets.height == 0 and c.cursors == {} and c.warnings == []


def test_only_changed_frames_are_rewritten_and_old_files_removed(tmp_path: Path) -> None:
    c = filled()
    c.persist(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    calls_file = manifest["streams"]["calls"]["file"]
    c.ingest("tickets", [ticket(9, T0)])
    c.set_cursor("tickets", "cursor-9")
    c.persist(tmp_path)
    m2 = json.loads((tmp_path / MANIFEST).read_text())
    assert m2["streams"]["calls"]["file"] == calls_file
    assert m2["streams"]["tickets"]["file"] != manifest["streams"]["tickets"]["file"]
    assert m2["streams"]["tickets"]["cursor"] == "cursor-9"
    assert not (tmp_path / manifest["streams"]["tickets"]["file"]).exists()
    assert Cache.load(tmp_path).frames.tickets.height == 6


def test_corrupt_frame_is_moved_aside_and_resynced(tmp_path: Path) -> None:
    filled().persist(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    path = tmp_path / manifest["streams"]["tickets"]["file"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    back = Cache.load(tmp_path)
    assert len(back.warnings) == 1
    assert "\n" not in back.warnings[0]
    assert "tickets" in back.warnings[0] and "re-synced" in back.warnings[0]
    assert back.frames.tickets.height == 0 and back.cursor("tickets") is None
    assert back.frames.calls.height == 1 and back.cursor("calls") == "1700000000"
    assert list(tmp_path.glob(f"{path.name}.corrupt-*"))
    back.persist(tmp_path)  # the next persist writes a fresh tickets file
    assert Cache.load(tmp_path).warnings == []


def test_truncated_and_missing_files(tmp_path: Path) -> None:
    filled().persist(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    tickets = tmp_path / manifest["streams"]["tickets"]["file"]
    tickets.write_bytes(tickets.read_bytes()[:100])
    (tmp_path / manifest["streams"]["calls"]["file"]).unlink()
    back = Cache.load(tmp_path)
    assert len(back.warnings) == 2
    assert back.cursors == {}


def test_corrupt_manifest(tmp_path: Path) -> None:
    filled().persist(tmp_path)
    (tmp_path / MANIFEST).write_text('{"format": 1, "generation": ')
    back = Cache.load(tmp_path)
    assert len(back.warnings) == 1 and "every stream" in back.warnings[0]
    assert back.cursors == {} and back.frames.tickets.height == 0
    assert list(tmp_path.glob("manifest.json.corrupt-*"))


def test_failed_write_keeps_previous_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = filled()
    c.persist(tmp_path)
    c.ingest("tickets", [ticket(9, T0)])
    c.set_cursor("tickets", "cursor-9")
    import polars as pl

    def boom(self: pl.DataFrame, file: object, **kw: object) -> None:
        Path(str(file)).write_bytes(b"PAR1 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", boom)
    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", boom)  # the tickets, with subjects
    with pytest.raises(OSError):
        c.persist(tmp_path)
    monkeypatch.undo()
    back = Cache.load(tmp_path)
    assert back.warnings == []
    assert back.cursor("tickets") == "cursor-5" and back.frames.tickets.height == 5
    assert not list(tmp_path.glob(".*.tmp"))
    c.persist(tmp_path)  # still dirty: the retry writes the new data
    assert Cache.load(tmp_path).cursor("tickets") == "cursor-9"


def test_a_first_persist_stopped_before_its_manifest_loads_empty_without_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill after the first persist wrote its frames, before the manifest naming them: the
    state dir holds nothing saved yet, which is no damage (a deleted manifest is, and says so:
    test_store_manifest)."""
    import deskwatch.store.persist as persist

    written = persist._write_manifest

    def killed(state_dir: Path, manifest: dict[str, object]) -> None:
        if manifest["generation"] == 0:
            written(state_dir, manifest)  # the first persist's empty manifest goes out
            return
        raise KeyboardInterrupt  # stands for the SIGKILL before the real one

    monkeypatch.setattr(persist, "_write_manifest", killed)
    with pytest.raises(KeyboardInterrupt):
        filled().persist(tmp_path)
    monkeypatch.undo()
    assert list(tmp_path.glob("*.g1.parquet"))  # the frames are there, no manifest names them
    back = Cache.load(tmp_path)
    assert back.warnings == [] and back.cursors == {} and back.frames.tickets.height == 0
    filled().persist(tmp_path)  # the next persist writes and names its own
    again = Cache.load(tmp_path)
    assert again.warnings == [] and again.cursor("tickets") == "cursor-5"


def test_no_secrets_in_state(tmp_path: Path) -> None:
    filled().persist(tmp_path)
    for path in tmp_path.iterdir():
        assert b"access_token" not in path.read_bytes()


def test_persist_in_a_thread_while_ingesting_never_runs_a_cursor_ahead(tmp_path: Path) -> None:
    import threading

    c = Cache()
    stop = threading.Event()
    seen: list[tuple[str | None, int]] = []

    def writer() -> None:
        while not stop.is_set():
            c.persist(tmp_path)
            back = Cache.load(tmp_path)
            seen.append((back.cursor("tickets"), back.frames.tickets.height))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for i in range(1, 60):
            c.ingest("tickets", [ticket(10 * i + k, T0) for k in range(10)])
            c.set_cursor("tickets", str(i))
    finally:
        stop.set()
        thread.join()
    assert seen
    for cursor, rows in seen:
        assert rows >= 10 * int(cursor or 0)  # data for every batch the cursor covers


def test_overlapping_persists_leave_a_loadable_cache(tmp_path: Path) -> None:
    # a cancelled await leaves its persist running in a worker thread while the app's final
    # persist starts: the two must not delete each other's files
    import threading

    c = Cache()
    for round_ in range(6):
        c.ingest("tickets", [ticket(i, T0, gen=round_ + 1) for i in range(1, 200)])
        c.ingest("calls", [call(round_ + 1, T0)])
        threads = [threading.Thread(target=c.persist, args=(tmp_path,)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        warm = Cache.load(tmp_path)
        assert not warm.warnings
        assert warm.frames.tickets.height == 199
        assert warm.frames.calls.height == round_ + 1


def test_the_rejects_tally_survives_a_restart_and_a_bad_one_is_reset(tmp_path: Path) -> None:
    import json
    from collections import Counter

    from deskwatch.rejects import Rejects
    from deskwatch.store.persist import read_rejects

    cache = Cache()
    cache.add_rejects(Rejects(Counter({("tickets", "id: id out of range"): 2})))
    cache.add_rejects(Rejects(Counter({("users", "name: invalid text"): 1})), listing="users")
    cache.add_rejects(Rejects(Counter({("users", "name: invalid text"): 1})), listing="users")
    cache.persist(tmp_path)
    again = Cache.load(tmp_path)
    assert again.rejects.skipped == Counter(
        {("tickets", "id: id out of range"): 2, ("users", "name: invalid text"): 1}
    )  # a listing re-read whole counts its bad records once
    assert read_rejects(tmp_path).summary() == (
        "skipped 3 bad records (tickets id: id out of range ×2, users name: invalid text ×1)"
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["rejects"] = {"skipped": {"tickets": {"x": -1}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    third = Cache.load(tmp_path)
    assert not third.rejects and third.frames.tickets.height == 0
    assert len(third.warnings) == 1 and "bad rejects tally" in third.warnings[0]


def _rating(i: int, **extra: object) -> dict[str, object]:
    return {
        "id": i,
        "ticket_id": i,
        "score": "good",
        "created_at": "2026-11-20T10:00:00Z",
        "updated_at": "2026-11-20T10:00:00Z",
        **extra,
    }


def test_a_rating_keeps_whether_it_has_a_comment_not_the_text(tmp_path: Path) -> None:
    c = Cache()
    c.ingest("ratings", [_rating(1, comment="Quick and kind"), _rating(2, comment=""), _rating(3)])
    got = dict(c.frames.ratings.select("id", "has_comment").iter_rows())
    assert got == {1: True, 2: False, 3: None}  # 3: the record does not say
    c.persist(tmp_path)
    assert b"Quick and kind" not in b"".join(p.read_bytes() for p in tmp_path.iterdir())


def test_a_cache_written_before_a_column_was_added_reads_it_as_unknown(tmp_path: Path) -> None:
    """A ratings file without ``has_comment`` (an older deskwatch) loads with it null: no
    warning, no re-sync of the stream."""
    import polars as pl

    from deskwatch.store.persist import _crc32

    c = Cache()
    c.ingest("ratings", [_rating(1, comment="ok"), _rating(2)])
    c.set_cursor("ratings", "cursor-r")
    c.persist(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    entry = manifest["streams"]["ratings"]
    path = tmp_path / entry["file"]
    pl.read_parquet(path).drop("has_comment").write_parquet(path, compression="lz4")
    entry["bytes"], entry["crc32"] = path.stat().st_size, _crc32(path)
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    back = Cache.load(tmp_path)
    assert back.warnings == [] and back.cursor("ratings") == "cursor-r"
    assert back.frames.ratings.get_column("has_comment").to_list() == [None, None]
    assert back.frames.ratings.schema == c.frames.ratings.schema
