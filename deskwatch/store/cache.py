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
    schema_of,
)
from deskwatch.store.upsert import newest, upsert_delta

#: the change log forgets its oldest entries beyond this many rows (removed + added) or entries
LOG_ROWS = 100_000
LOG_ENTRIES = 1_000


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
        self._state_dir = None

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
                previous = self._subject_file()
                written = "tickets" in dirty or "tickets" not in self._entries
            lazy = {
                "tickets": (
                    self._full_tickets(frames["tickets"], pending, previous),
                    frames["tickets"].height,
                )
            }
            try:
                entries, generation = disk.persist(
                    Path(state_dir),
                    frames,
                    cursors,
                    dirty,
                    self._entries,
                    self.generation,
                    rejects=rejects,
                    lazy=lazy,
                )
            except BaseException:
                with self._lock:
                    self._dirty.update(dirty)
                raise
            with self._lock:
                self._entries, self.generation = entries, generation
                if written and epoch == self._subjects_epoch:  # the file holds them now
                    del self._subjects[: len(pending)]
                    self._state_dir = Path(state_dir)

    def _subject_file(self) -> Path | None:
        """The persisted tickets file holding the subjects not pending (None: none)."""
        entry = self._entries.get("tickets")
        if self._state_dir is None or entry is None:
            return None
        return self._state_dir / str(entry["file"])

    @staticmethod
    def _full_tickets(
        lean: pl.DataFrame, pending: list[pl.DataFrame], previous: Path | None
    ) -> pl.LazyFrame:
        """The tickets with their subjects, as written to disk: the pending ones (newest
        first), else the previous file's, streamed (never all in memory at once)."""
        names = schema_of("tickets").names()
        fresh = (
            pl.concat(pending).unique("id", keep="last").with_columns(pl.lit(True).alias("new"))
            if pending
            else pl.DataFrame(schema={"id": pl.Int64, "subject": pl.String, "new": pl.Boolean})
        )
        full = lean.lazy().join(fresh.lazy(), on="id", how="left", maintain_order="left")
        if previous is not None:
            old = pl.scan_parquet(previous).select("id", pl.col("subject").alias("old"))
            full = full.join(old, on="id", how="left", maintain_order="left").with_columns(
                pl.when(pl.col("new"))
                .then(pl.col("subject"))
                .otherwise(pl.col("old"))
                .alias("subject")
            )
        return full.select(names)

    def subjects(self, ids: pl.Series) -> pl.DataFrame:
        """(id, subject) of the tickets ``ids``: the pending ones from memory, the others
        read from the persisted tickets file (only its id and subject columns)."""
        with self._lock:
            pending = list(self._subjects)
            path = self._subject_file()
        out = pl.DataFrame(schema={"id": pl.Int64, "subject": pl.String})
        wanted = ids.implode()
        if pending:
            out = pl.concat(pending).filter(pl.col("id").is_in(wanted)).unique("id", keep="last")
        rest = ids.filter(~ids.is_in(out.get_column("id").implode()))
        if path is None or rest.is_empty():
            return out
        for _ in range(3):  # a persist may replace the file meanwhile: read the newest
            try:
                found = (
                    pl.scan_parquet(path)
                    .select("id", "subject")
                    .filter(pl.col("id").is_in(rest.implode()))
                    .collect()
                )
                return pl.concat([out, found])
            except FileNotFoundError:
                with self._lock:
                    path = self._subject_file()
                if path is None:
                    break
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
        return cache


def _rows(frame: pl.DataFrame | None) -> int:
    return 0 if frame is None else frame.height


def _same_listing(old: pl.DataFrame | None, new: pl.DataFrame) -> bool:
    """Whether two listings hold the same rows, whenever each was fetched."""
    if old is None or old.height != new.height:
        return False
    return old.drop("fetched_at", strict=False).equals(new.drop("fetched_at", strict=False))
