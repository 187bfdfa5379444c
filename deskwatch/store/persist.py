"""Crash-safe persistence of the cache's frames and cursors in the state dir.

Plain values in and out: :class:`deskwatch.store.cache.Cache` decides what to write and what a
warm start restores; this module only knows the files.

Layout: ``<stream>.g<generation>.parquet`` per stream plus ``manifest.json`` naming the file,
row count, size and CRC-32 of every stream and its cursor. The tickets' subjects, kept out of
the frames in memory, are in *pieces* (``subjects.g<generation><a|b|c>.parquet``: id and
subject), listed oldest first under the tickets entry's ``subjects``; the newest piece holding
an id has its subject. A persist adds at most a small piece (the subjects ingested since the
last one) and merges small pieces now and then, so it never has to read every subject.

Order of a persist: write each changed frame (and new pieces) to a temp file, fsync, rename,
then write the manifest the same way, fsync the directory, and only then delete files no
manifest names. A cursor therefore only ever reaches
disk inside a manifest whose frame files are already durable: never ahead of its data. A crash
at any point leaves the previous manifest and every file it names intact.

The first persist of a state dir writes an empty manifest (generation 0) before anything
else, so a crash inside it leaves a state dir that loads as empty, with no warning (its frame
files are removed by the next persist), while frame files with no manifest at all (it was
deleted) are named in a warning.

Warm start reads the manifest; a corrupt or unreadable manifest or frame file is moved aside as
``<name>.corrupt-<UTC timestamp>``, reported as one line in ``cache.warnings``, and the stream
(all streams, for the manifest) starts empty with no cursor, so it is re-synced from scratch.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from deskwatch.rejects import Rejects
from deskwatch.store.schema import (
    ADDED_COLUMNS,
    ON_DISK_ONLY,
    STREAMS,
    resident,
    resident_columns,
    schema_of,
)
from deskwatch.store.upsert import compact

MANIFEST = "manifest.json"
FORMAT = 1
MAX_GENERATION = 2**53  # a persist a millisecond for 285,000 years; keeps file names short
MAX_CURSOR = 65_536  # characters; ours are short JSON objects

#: per stream: the manifest entry of its file (file, rows, bytes, crc32; tickets: subjects)
Entries = dict[str, dict[str, Any]]
#: the tickets entry's list of subject pieces, and their files' prefix
PIECES = "subjects"
_PIECE_NAME = re.compile(r"subjects\.g\d{1,16}[abc]\.parquet")


@dataclass(frozen=True)
class NewPiece:
    """A subjects piece a persist writes: ``write(path)`` writes the file; ``suffix`` orders
    the pieces of one generation (a: a rebuilt base, b: merged small pieces, c: new subjects)."""

    suffix: str
    write: Callable[[Path], None]


@dataclass
class Loaded:
    """What a warm start read: verified frames, their cursors and manifest entries, warnings."""

    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    cursors: dict[str, str | None] = field(default_factory=dict)
    entries: Entries = field(default_factory=dict)
    generation: int = 0
    warnings: list[str] = field(default_factory=list)
    rejects: Rejects = field(default_factory=Rejects)
    #: the tickets file holds the subjects itself (written before subject pieces existed)
    legacy_subjects: bool = False


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, write: Any) -> None:
    """``write(tmp_path)`` then fsync + rename over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        # the cache is the account's data: never group/world-readable, not even while written
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(tmp, 0o600)  # a leftover temp file keeps its mode through O_TRUNC
        write(tmp)
        os.chmod(tmp, 0o600)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def persist(
    state_dir: Path,
    frames: dict[str, pl.DataFrame],
    cursors: dict[str, str | None],
    dirty: set[str],
    entries: Entries,
    generation: int,
    *,
    rejects: dict[str, Any] | None = None,
    pieces: list[dict[str, Any] | NewPiece] | None = None,
) -> tuple[Entries, int]:
    """Write the ``dirty`` frames (and any without an entry), then the manifest.

    ``entries``/``generation``: what the last persist or load left. Returns the new ones.
    ``pieces``: the tickets' subject pieces when the tickets are written (kept entries and
    pieces to write, oldest first); None keeps the ones the entry has.
    """
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (state_dir / MANIFEST).exists():
        # the first persist: an empty manifest first, so that a crash before the real one
        # leaves "nothing saved yet", not frame files no manifest names (a deleted manifest)
        _write_manifest(state_dir, {"format": FORMAT, "generation": 0, "streams": {}})
    generation = max(generation, _disk_generation(state_dir)) + 1
    entries = dict(entries)
    for stream in STREAMS:
        if stream not in dirty and stream in entries:
            continue
        name = f"{stream}.g{generation}.parquet"
        path = state_dir / name
        frame = resident(stream, frames[stream])
        _atomic_write(path, lambda tmp, f=frame: f.write_parquet(tmp, compression="lz4"))
        kept = entries.get(stream, {}).get(PIECES)
        entries[stream] = _entry(path, frame.height)
        if stream in ON_DISK_ONLY:
            written = (
                (kept or []) if pieces is None else _write_pieces(state_dir, pieces, generation)
            )
            entries[stream][PIECES] = written
    _fsync_dir(state_dir)
    manifest = {
        "format": FORMAT,
        "generation": generation,
        "written_at": datetime.now(UTC).isoformat(),
        "streams": {
            s: {**entries[s], "cursor": cursors.get(s), "history": cursors.get(history_key(s))}
            for s in STREAMS
            if s in entries
        },
        "rejects": rejects or {},
    }
    _write_manifest(state_dir, manifest)
    keep = {e["file"] for e in entries.values()}
    keep |= {p["file"] for e in entries.values() for p in e.get(PIECES, ())}
    _remove_unreferenced(state_dir, keep)
    return entries, generation


def _write_manifest(state_dir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=1)
    _atomic_write(state_dir / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    _fsync_dir(state_dir)


def _entry(path: Path, rows: int) -> dict[str, Any]:
    return {"file": path.name, "rows": rows, "bytes": path.stat().st_size, "crc32": _crc32(path)}


def _write_pieces(
    state_dir: Path, pieces: list[dict[str, Any] | NewPiece], generation: int
) -> list[dict[str, Any]]:
    out = []
    for piece in pieces:
        if isinstance(piece, NewPiece):
            path = state_dir / f"{PIECES}.g{generation}{piece.suffix}.parquet"
            _atomic_write(path, piece.write)
            rows = pl.scan_parquet(path).select(pl.len()).collect().item()
            out.append(_entry(path, int(rows)))
        else:
            out.append(piece)
    return out


def history_key(stream: str) -> str:
    """The cursor key of ``stream``'s history backfill (kept in the manifest next to its own)."""
    return f"{stream}.history"


def read_rejects(state_dir: Path) -> Rejects:
    """The edge checks' tally kept in the manifest (empty when there is none or it is bad)."""
    try:
        return Rejects.from_json(json.loads((state_dir / MANIFEST).read_text("utf-8"))["rejects"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return Rejects()


def _disk_generation(state_dir: Path) -> int:
    try:
        return generation_of(json.loads((state_dir / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return 0


def generation_of(manifest: Any) -> int:
    """The manifest's generation: an integer 0 .. :data:`MAX_GENERATION`; else ValueError."""
    value = manifest["generation"]
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_GENERATION:
        raise ValueError(f"generation {str(value)[:20]} is not a count")
    return value


def _remove_unreferenced(state_dir: Path, keep: set[str]) -> None:
    for path in state_dir.glob("*.parquet"):
        prefix = path.name.split(".")[0]
        if path.name not in keep and (prefix in STREAMS or prefix == PIECES):
            with contextlib.suppress(OSError):
                path.unlink()
    for path in state_dir.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()


def _move_aside(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    with contextlib.suppress(OSError):
        os.replace(path, target)
    return target


def _file_name(stream: str, entry: dict[str, Any]) -> str:
    """The file ``entry`` names, when it is one of ``stream``'s (``<stream>.g<n>.parquet``)."""
    name = entry.get("file")
    if not isinstance(name, str) or not re.fullmatch(
        rf"{re.escape(stream)}\.g\d{{1,16}}\.parquet", name
    ):
        raise ValueError(f"the manifest names no file of {stream} ({str(name)[:40]!r})")
    return name


def _cursor(entry: dict[str, Any], key: str = "cursor") -> str | None:
    cursor = entry.get(key)
    if cursor is None or (isinstance(cursor, str) and len(cursor) <= MAX_CURSOR):
        return cursor
    raise ValueError("its cursor is not text")


def _verify(state_dir: Path, name: str, entry: dict[str, Any]) -> Path:
    path = state_dir / name
    if not path.exists():
        raise FileNotFoundError(f"{name} is missing")
    if path.stat().st_size != entry.get("bytes") or _crc32(path) != entry.get("crc32"):
        raise ValueError(f"{name} does not match its checksum (partial or damaged write)")
    return path


def _pieces(state_dir: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The tickets entry's subject pieces, each verified (size and CRC-32)."""
    pieces = entry.get(PIECES, [])
    if not isinstance(pieces, list) or len(pieces) > 1000:
        raise ValueError("its subjects are not a list of pieces")
    out = []
    for piece in pieces:
        name = piece.get("file") if isinstance(piece, dict) else None
        if not isinstance(name, str) or not _PIECE_NAME.fullmatch(name):
            raise ValueError("the manifest names no subjects piece")
        _verify(state_dir, name, piece)
        out.append({k: piece[k] for k in ("file", "rows", "bytes", "crc32")})
    return out


def _read_stream(
    state_dir: Path, stream: str, name: str, entry: dict[str, Any]
) -> tuple[pl.DataFrame, bool]:
    """Read and verify one frame file; raise (with a one-line reason) when it is bad. Also
    whether the file holds the columns kept on disk only (an older layout)."""
    path = _verify(state_dir, name, entry)
    expected = schema_of(stream)
    found = pl.read_parquet_schema(path)
    missing = [c for c in ADDED_COLUMNS.get(stream, ()) if c not in found]
    legacy = bool(ON_DISK_ONLY.get(stream)) and all(c in found for c in ON_DISK_ONLY[stream])
    if not legacy:
        expected = pl.Schema({k: expected[k] for k in resident_columns(stream)})
    if found != {k: v for k, v in expected.items() if k not in missing}:
        raise ValueError(f"{name} has an unexpected schema (written by another version?)")
    # the columns kept on disk only (subjects) stay there: read for a listing's few rows
    wanted = [c for c in resident_columns(stream) if c not in missing]
    frame = pl.read_parquet(path, columns=wanted)
    if missing:  # written before these columns existed: unknown
        frame = frame.with_columns(pl.lit(None, dtype=expected[c]).alias(c) for c in missing)
        frame = frame.select(resident_columns(stream))
    if frame.height != entry.get("rows"):
        raise ValueError(f"{name} holds {frame.height} rows, the manifest says {entry.get('rows')}")
    return frame, legacy


def load(state_dir: Path) -> Loaded:
    """Read and verify the state dir. Anything off is named in one warning line, moved aside
    (``*.corrupt-<time>``) and its stream (every stream, for the manifest) re-synced."""
    loaded = Loaded()
    manifest_path = state_dir / MANIFEST
    if not manifest_path.exists():
        orphans = sorted(
            p for p in state_dir.glob("*.parquet") if p.name.split(".")[0] in (*STREAMS, PIECES)
        )
        if orphans:  # files without the manifest naming them cannot be trusted: say so
            for path in orphans:
                _move_aside(path)
            loaded.warnings.append(
                f"cache manifest {manifest_path} is missing ({len(orphans)} cache files found, "
                "moved aside); every stream will be re-synced from scratch"
            )
        return loaded
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("unknown format")
        if not isinstance(manifest.get("streams"), dict):
            raise ValueError("no streams")
        generation = generation_of(manifest)
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        moved = _move_aside(manifest_path)
        reason = str(exc).splitlines()[0][:80] if isinstance(exc, ValueError) else ""
        loaded.warnings.append(
            f"cache manifest {manifest_path} was unreadable ({reason or type(exc).__name__}); "
            f"moved aside to {moved.name}; every stream will be re-synced from scratch"
        )
        return loaded
    entries: Entries = {}
    streams = manifest["streams"]
    if generation == 0 and not streams:  # a first persist's start: nothing saved yet
        return loaded
    for stream in STREAMS:
        entry = streams.get(stream)
        name: str | None = None
        try:
            if not isinstance(entry, dict):
                raise ValueError(f"the manifest has no entry for {stream}")
            name = _file_name(stream, entry)
            cursor, history = _cursor(entry), _cursor(entry, "history")
            frame, legacy = _read_stream(state_dir, stream, name, entry)
            pieces = _pieces(state_dir, entry) if stream in ON_DISK_ONLY else None
        except Exception as exc:  # anything off: set aside what is this stream's, and re-sync
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            where = ""
            if name is not None and (state_dir / name).is_file():
                where = f"; moved aside to {_move_aside(state_dir / name).name}"
            loaded.warnings.append(
                f"cache of {stream} is damaged ({reason}){where}; "
                f"{stream} will be re-synced from scratch"
            )
            continue
        loaded.frames[stream] = compact(frame)
        loaded.cursors[stream] = cursor
        loaded.cursors[history_key(stream)] = history
        entries[stream] = {k: entry[k] for k in ("file", "rows", "bytes", "crc32")}
        if pieces is not None:
            entries[stream][PIECES] = pieces
            loaded.legacy_subjects = legacy
    try:
        loaded.rejects = Rejects.from_json(manifest.get("rejects"))
    except ValueError as exc:  # only counts: start them again, say so
        loaded.warnings.append(f"cache manifest {manifest_path}: bad rejects tally ({exc}); reset")
    loaded.entries = entries
    loaded.generation = generation
    return loaded


def read_only(
    state_dir: Path, *, tries: int = 3
) -> tuple[dict[str, pl.DataFrame], datetime, list[Path]]:
    """Another process's saved cache, for a viewer's drill-down: every stream's verified frame
    (its resident columns), when the manifest was written, and the files holding the tickets'
    subjects, newest first (read for a listing's rows only). Nothing is
    moved aside or written (the collector owns the files); a stream without a file is empty. A
    persist that replaces a file while we read is met by reading the new manifest again;
    anything else off raises OSError with one line."""
    manifest_path = state_dir / MANIFEST
    for attempt in range(tries):
        try:
            saved_at = datetime.fromtimestamp(manifest_path.stat().st_mtime, UTC)
            manifest = json.loads(manifest_path.read_text("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ValueError("unknown format")
            streams = manifest["streams"]
            frames, subject_files = {}, []
            for stream in STREAMS:
                entry = streams.get(stream)
                if isinstance(entry, dict):
                    name = _file_name(stream, entry)
                    frame, legacy = _read_stream(state_dir, stream, name, entry)
                    frames[stream] = compact(frame)
                    if stream in ON_DISK_ONLY:
                        pieces = _pieces(state_dir, entry)
                        subject_files = [state_dir / p["file"] for p in reversed(pieces)]
                        if legacy:
                            subject_files.append(state_dir / name)
            return frames, saved_at, subject_files
        except FileNotFoundError:
            if not manifest_path.exists():
                raise FileNotFoundError(f"no saved cache in {state_dir} yet") from None
            if attempt == tries - 1:
                raise
        except (ValueError, KeyError, TypeError) as exc:
            raise OSError(f"the saved cache in {state_dir} is unreadable: {exc}") from None
    raise AssertionError("unreachable")


def read_subjects(files: list[Path], ids: pl.Series, found: pl.DataFrame) -> pl.DataFrame:
    """(id, subject) of ``ids``: ``found`` (already known) and, for the others, the newest
    saved subject from ``files`` (newest first), reading only the rows asked for. A file a
    persist removed meanwhile raises FileNotFoundError (the caller reads the newer list)."""
    left = ids.filter(~ids.is_in(found.get_column("id").implode()))
    parts = [found]
    for path in files:
        if left.is_empty():
            break
        part = (
            pl.scan_parquet(path)
            .select("id", pl.col("subject").cast(pl.String))
            .filter(pl.col("id").is_in(left.implode()))
            .collect()
        )
        parts.append(part)
        left = left.filter(~left.is_in(part.get_column("id").implode()))
    return pl.concat(parts)
