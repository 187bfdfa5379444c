"""Nothing deskwatch writes in the state dir is readable by anyone but the user, whatever the
umask and even in a state dir that already exists with open permissions (issue 16)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskwatch.store import Cache
from tests.unit.kpi_records import ticket


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o002)  # a permissive umask: new files would be 664
    try:
        yield
    finally:
        os.umask(old)


def modes(path: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.iterdir()}


def test_a_new_state_dir_and_its_files_are_private(tmp_path: Path, open_umask: None) -> None:
    state = tmp_path / "new" / "state"
    cache = Cache.load(state)
    cache.ingest("tickets", [ticket(1, datetime(2026, 11, 2, tzinfo=UTC))])
    cache.persist(state)
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    files = modes(state)
    assert "manifest.json" in files and len(files) > 1
    assert {name: mode for name, mode in files.items() if mode != 0o600} == {}


def test_files_in_an_existing_open_state_dir_are_private_too(
    tmp_path: Path, open_umask: None
) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o775)
    cache = Cache.load(state)
    cache.persist(state)
    cache.ingest("tickets", [ticket(2, datetime(2026, 11, 3, tzinfo=UTC))])
    cache.persist(state)  # a rewrite of the changed frame and the manifest
    files = modes(state)
    assert {name: mode for name, mode in files.items() if mode != 0o600} == {}


def test_a_cache_file_is_private_while_it_is_being_written(
    tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polars as pl

    seen: list[int] = []
    real = pl.DataFrame.write_parquet

    def spy(frame: pl.DataFrame, file: Any, *args: Any, **kwargs: Any) -> Any:
        result = real(frame, file, *args, **kwargs)
        seen.append(stat.S_IMODE(Path(file).stat().st_mode))  # before deskwatch's own chmod
        return result

    monkeypatch.setattr(pl.DataFrame, "write_parquet", spy)
    state = tmp_path / "state"
    state.mkdir(mode=0o775)
    Cache.load(state).persist(state)
    assert seen and set(seen) == {0o600}
