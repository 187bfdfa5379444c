"""The in-memory cache: one Polars frame per stream plus the stream cursors.

``ingest`` upserts raw Zendesk dicts; ``frames`` hands the KPI code an immutable bundle;
``persist``/``load`` write and read the state dir (see :mod:`deskwatch.store.persist`).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from deskwatch.rejects import Rejects
from deskwatch.store import persist as disk
from deskwatch.store.schema import (
    KEYS,
    ON_DISK_ONLY,
    STREAMS,
    build_frame,
    empty_frame,
    resident,
)
from deskwatch.store.upsert import newest, upsert_delta

#: the change log forgets its oldest entries beyond this many rows (removed + added) or entries
LOG_ROWS = 100_000
LOG_ENTRIES = 1_000
#: subject pieces: the small ones are merged into one beyond this many pieces; the base (the
#: first) is rebuilt with them once they hold more than this share of its rows
MAX_PIECES = 8
BASE_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Change:
    """One data change of a stream: the rows an upsert replaced and the rows it added.

    ``removed``/``added`` are None when the whole frame was swapped (warm start, reset, a
    snapshot listing): whoever follows the changes must then start over from the frame.
    """

    version: int
    stream: str
    removed: pl.DataFrame | None
    added: pl.DataFrame | None


@dataclass(frozen=True, slots=True)
class Frames:
    """One frame per stream, as the KPI functions read them. Never mutated."""

    tickets: pl.DataFrame
    users: pl.DataFrame
    groups: pl.DataFrame
    brands: pl.DataFrame
    ratings: pl.DataFrame
    calls: pl.DataFrame
    legs: pl.DataFrame
    queue: pl.DataFrame
    agents_activity: pl.DataFrame

    @classmethod
    def empty(cls) -> Frames:
        return _empty_frames()  # frames are never mutated: one set serves everyone

    def get(self, stream: str) -> pl.DataFrame:
        frame: pl.DataFrame = getattr(self, stream)
        return frame


@functools.cache
def _empty_frames() -> Frames:
    return Frames(**{s: empty_frame(s) for s in STREAMS})


class Cache:
    """Frames + cursors for every stream.

    Ingest from one thread (the event loop); ``persist`` may run in a worker thread at the
    same time: it snapshots frames, cursors and the dirty set under a lock, and since a
    cursor is only ever set after its data was ingested, the snapshot never holds a cursor
    ahead of its data.
    """

    def __init__(self) -> None:
        self._frames: dict[str, pl.DataFrame] = {s: empty_frame(s) for s in STREAMS}
        self._cursors: dict[str, str | None] = {}
        self._dirty: set[str] = set(STREAMS)
        self._bundle: Frames | None = None
        #: one-line notes about the state dir (e.g. a corrupt file moved aside); for the UI
        self.warnings: list[str] = []
        #: what the edge checks turned away, over every session of this state dir
        self.rejects = Rejects()
        #: bumps on every change of data; lets callers skip recomputing an unchanged cache
        self.version = 0
        #: where the cache was last persisted to / loaded from
        self.generation = 0
        self._entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        # one persist at a time: a cancelled await does not stop a persist already running in
        # a worker thread, and two at once would delete each other's files
        self._persist_lock = threading.Lock()
        self._log: list[Change] = []
        self._log_rows = 0
        self._log_floor = 0  # changes after this version are all in the log
        #: the subjects of tickets ingested since they were last persisted (id, subject), in
        #: order; the others are in the persisted tickets file (not in memory)
        self._subjects: list[pl.DataFrame] = []
        self._subjects_epoch = 0  # bumps whenever they are all given anew (or forgotten)
        self._state_dir: Path | None = None
        self._pieces: list[dict[str, Any]] = []  # manifest entries, oldest first
        self._legacy: str | None = None  # a tickets file holding the subjects (older layout)

    # -- data ------------------------------------------------------------------------------
    def ingest(
        self, stream: str, records: Iterable[dict[str, Any]], *, fetched_at: datetime | None = None
    ) -> int:
        """Upsert raw Zendesk records of ``stream``; return how many records were given."""
        if stream not in self._frames:
            raise ValueError(f"unknown stream {stream!r}; expected one of {', '.join(STREAMS)}")
        batch_records = list(records)
        if not batch_records:
            return 0
        batch = build_frame(stream, batch_records, fetched_at=fetched_at)
        self.ingest_frame(stream, batch)
        return len(batch_records)

    def ingest_frame(self, stream: str, batch: pl.DataFrame) -> None:
        """Upsert an already-built frame (schema of :func:`build_frame`)."""
        if stream == "queue":
            self.replace_frame(stream, batch.tail(1))
            return
        key, version = KEYS[stream]
        batch = self._keep_on_disk(stream, batch)
        merged, removed, added = upsert_delta(self._frames[stream], batch, key, version)
        with self._lock:
            self._frames[stream] = merged
            self._changed(stream, removed, added)

    def _forget_subjects(self) -> None:
        self._subjects.clear()
        self._subjects_epoch += 1
        self._pieces, self._legacy = [], None

    def _keep_on_disk(self, stream: str, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` as held in memory; its subjects wait for the next persist."""
        if "subject" in ON_DISK_ONLY.get(stream, ()) and "subject" in frame.columns:
            subjects = frame.select("id", "subject")
            with self._lock:
                self._subjects.append(subjects)
        return resident(stream, frame)

    def replace_records(
        self, stream: str, records: Iterable[dict[str, Any]], *, fetched_at: datetime | None = None
    ) -> None:
        """Replace a snapshot stream (groups, queue, agents_activity) with a full listing."""
        key_version = KEYS.get(stream)
        frame = build_frame(stream, list(records), fetched_at=fetched_at)
        if key_version is not None:
            frame = newest(frame.filter(pl.col(key_version[0]).is_not_null()), *key_version)
        elif stream == "queue":
            frame = frame.tail(1)
        with self._lock:
            if _same_listing(self._frames.get(stream), frame):
                return  # nothing changed: no version bump, so no KPI recompute every live poll
        self.replace_frame(stream, frame)

    def replace_frame(self, stream: str, frame: pl.DataFrame) -> None:
        """Swap a whole stream's frame (warm start, benchmarks); the frame must be deduplicated."""
        if "subject" in frame.columns:  # every subject is given anew
            with self._lock:
                self._forget_subjects()
        frame = self._keep_on_disk(stream, frame)
        with self._lock:
            self._frames[stream] = frame
            self._changed(stream)

    def reset_stream(self, stream: str) -> None:
        """Forget a stream's data and cursor (it will be re-synced from scratch)."""
        with self._lock:
            self._frames[stream] = empty_frame(stream)
            if stream in ON_DISK_ONLY:
                self._forget_subjects()
            self._cursors.pop(stream, None)
            self._cursors.pop(disk.history_key(stream), None)
            self._changed(stream)

    def _changed(
        self, stream: str, removed: pl.DataFrame | None = None, added: pl.DataFrame | None = None
    ) -> None:
        self._dirty.add(stream)
        self._bundle = None
        self.version += 1
        self._log.append(Change(self.version, stream, removed, added))
        self._log_rows += _rows(removed) + _rows(added)
        while len(self._log) > 1 and (self._log_rows > LOG_ROWS or len(self._log) > LOG_ENTRIES):
            dropped = self._log.pop(0)
            self._log_rows -= _rows(dropped.removed) + _rows(dropped.added)
            self._log_floor = dropped.version

    def changes_since(
        self, version: int | None, *, forget: bool = False
    ) -> tuple[int, list[Change] | None]:
        """``(current version, the changes after version)``; None when they are not all known.

        Lets a consumer (the KPI engine) follow the data by deltas instead of re-reading every
        frame; None (never seen, or fallen behind the bounded log) means: start over. With
        ``forget`` the log lets go of everything up to now (for the one consumer that follows
        it: the rows it holds are not kept alive once handed over).
        """
        with self._lock:
            if version is None or version < self._log_floor:
                changes = None
            else:
                changes = [c for c in self._log if c.version > version]
            if forget:
                self._log, self._log_rows, self._log_floor = [], 0, self.version
            return self.version, changes

    @property
    def frames(self) -> Frames:
        if self._bundle is None:
            self._bundle = Frames(**self._frames)
        return self._bundle

    # -- cursors ---------------------------------------------------------------------------
    def cursor(self, stream: str) -> str | None:
        return self._cursors.get(stream)

    def set_cursor(self, stream: str, cursor: str | None) -> None:
        """Remember where ``stream`` resumes. Call only AFTER ingesting what it covers."""
        with self._lock:
            if cursor is None:
                self._cursors.pop(stream, None)
            else:
                self._cursors[stream] = cursor
            self._dirty.add(stream)

    @property
    def cursors(self) -> dict[str, str]:
        return {k: v for k, v in self._cursors.items() if v is not None}

    def add_rejects(self, rejects: Rejects, *, listing: str | None = None) -> None:
        """Count records skipped / values nulled by the edge checks (kept in the manifest).
        ``listing``: a snapshot stream re-read whole, whose counts replace the last listing's."""
        with self._lock:
            if listing is not None:
                self.rejects.drop(listing)
            self.rejects.add(rejects)

    # -- persistence -----------------------------------------------------------------------
    def persist(self, state_dir: Path) -> None:
        """Write changed frames, then the manifest naming them and the cursors (atomic).

        Frames, cursors and the dirty set are taken together under the lock (frames are
        replaced, never mutated, so references suffice); a failed write marks them dirty again.
        """
        with self._persist_lock:
            with self._lock:
                dirty, self._dirty = self._dirty, set()
                frames, cursors = dict(self._frames), dict(self._cursors)
                rejects = self.rejects.to_json()
                pending, epoch = list(self._subjects), self._subjects_epoch
                pieces, legacy = list(self._pieces), self._legacy
                written = "tickets" in dirty or "tickets" not in self._entries
                source_dir = self._state_dir
            plan = None
            if written:
                plan = _plan(pending, pieces, legacy, source_dir or Path(state_dir))
            try:
                entries, generation = disk.persist(
                    Path(state_dir),
                    frames,
                    cursors,
                    dirty,
                    self._entries,
                    self.generation,
                    rejects=rejects,
                    pieces=plan,
                )
            except BaseException:
                with self._lock:
                    self._dirty.update(dirty)
                raise
            with self._lock:
                self._entries, self.generation = entries, generation
                if written and epoch == self._subjects_epoch:  # the pieces hold them now
                    del self._subjects[: len(pending)]
                    self._pieces = list(entries["tickets"].get(disk.PIECES, []))
                    self._legacy = None
                    self._state_dir = Path(state_dir)

    def _subject_files(self) -> list[Path]:
        """The files holding the subjects not pending, newest first."""
        if self._state_dir is None:
            return []
        files = [self._state_dir / str(p["file"]) for p in reversed(self._pieces)]
        if self._legacy is not None:
            files.append(self._state_dir / self._legacy)
        return files

    def subjects(self, ids: pl.Series) -> pl.DataFrame:
        """(id, subject) of the tickets ``ids``: the pending ones from memory, the others
        read from the persisted pieces (newest first; only the ids asked for)."""
        with self._lock:
            pending = list(self._subjects)
            files = self._subject_files()
        out = pl.DataFrame(schema={"id": pl.Int64, "subject": pl.String})
        if pending:
            out = pl.concat(pending).filter(pl.col("id").is_in(ids.implode()))
            out = out.unique("id", keep="last")
        for _ in range(3):  # a persist may replace the pieces meanwhile: read the newest
            try:
                return disk.read_subjects(files, ids, out)
            except FileNotFoundError:
                with self._lock:
                    files = self._subject_files()
        return out

    @classmethod
    def load(cls, state_dir: Path) -> Cache:
        """Warm start from ``state_dir``; a missing dir gives an empty cache.

        A stream whose file was missing or damaged starts empty with no cursor (re-synced from
        scratch) and is written at the next persist.
        """
        cache = cls()
        loaded = disk.load(Path(state_dir))
        cache.warnings.extend(loaded.warnings)
        cache.rejects = loaded.rejects
        for stream, frame in loaded.frames.items():
            cache.replace_frame(stream, frame)
            cache.set_cursor(stream, loaded.cursors.get(stream))
            cache.set_cursor(disk.history_key(stream), loaded.cursors.get(disk.history_key(stream)))
        cache._dirty = {s for s in STREAMS if s not in loaded.entries}
        cache._entries, cache.generation = loaded.entries, loaded.generation
        cache._state_dir = Path(state_dir)
        tickets = loaded.entries.get("tickets", {})
        cache._pieces = list(tickets.get(disk.PIECES, []))
        cache._legacy = str(tickets["file"]) if loaded.legacy_subjects else None
        return cache


def _rows(frame: pl.DataFrame | None) -> int:
    return 0 if frame is None else frame.height


def _same_listing(old: pl.DataFrame | None, new: pl.DataFrame) -> bool:
    """Whether two listings hold the same rows, whenever each was fetched."""
    if old is None or old.height != new.height:
        return False
    return old.drop("fetched_at", strict=False).equals(new.drop("fetched_at", strict=False))


def _plan(
    pending: list[pl.DataFrame],
    pieces: list[dict[str, Any]],
    legacy: str | None,
    state_dir: Path,
) -> list[dict[str, Any] | disk.NewPiece]:
    """The subject pieces after this persist: the kept ones, a base from an older layout's
    tickets file (once), the small ones merged when there are many (the base too, rarely),
    and the pending subjects as a new piece. Only a rebuilt base reads every subject."""
    plan: list[dict[str, Any] | disk.NewPiece] = list(pieces)
    if legacy is not None:
        source = state_dir / legacy

        def base(tmp: Path) -> None:
            pl.scan_parquet(source).select("id", "subject").sink_parquet(tmp, compression="lz4")

        plan.insert(0, disk.NewPiece("a", base))
    elif len(pieces) >= MAX_PIECES:
        first, small = pieces[0], pieces[1:]
        files = [state_dir / str(p["file"]) for p in small]
        if sum(int(p["rows"]) for p in small) > BASE_SHARE * int(first["rows"]):
            everything = [state_dir / str(first["file"]), *files]
            plan = [disk.NewPiece("a", lambda tmp: _merge(everything, tmp))]
        else:
            plan = [first, disk.NewPiece("b", lambda tmp: _merge(files, tmp))]
    if pending:
        fresh = pl.concat(pending).unique("id", keep="last", maintain_order=True)
        plan.append(disk.NewPiece("c", lambda tmp: fresh.write_parquet(tmp, compression="lz4")))
    return plan


def _merge(files: list[Path], tmp: Path) -> None:
    """One piece of ``files`` (oldest first): the newest subject of each id."""
    rows = pl.concat([pl.read_parquet(f) for f in files])
    rows.unique("id", keep="last", maintain_order=True).write_parquet(tmp, compression="lz4")
