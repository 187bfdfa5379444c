"""Every field of the state dir's manifest is checked on a warm start: anything off is named in
one warning line, moved aside (``*.corrupt-<time>``) and re-synced; healthy files are kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deskwatch.store import Cache
from deskwatch.store.persist import MANIFEST
from tests.unit.test_store_persist import filled


def write(tmp_path: Path, change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    filled().persist(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    change(manifest)
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    return manifest


def raw(tmp_path: Path, text: str) -> None:
    filled().persist(tmp_path)
    (tmp_path / MANIFEST).write_text(text)


def one_line(warnings: list[str]) -> str:
    assert len(warnings) == 1 and "\n" not in warnings[0], warnings
    return warnings[0]


@pytest.mark.parametrize(
    "generation", ["1e400", "1e300", "-1", '"7"', "true", "null", "3.5", "9007199254740993"]
)
def test_a_bad_generation_is_named_moved_aside_and_everything_resynced(
    tmp_path: Path, generation: str
) -> None:
    filled().persist(tmp_path)
    text = (tmp_path / MANIFEST).read_text()
    assert '"generation": 1,' in text
    (tmp_path / MANIFEST).write_text(
        text.replace('"generation": 1,', f'"generation": {generation},')
    )
    back = Cache.load(tmp_path)  # 1e400: OverflowError on every run before
    line = one_line(back.warnings)
    assert "generation" in line and "every stream" in line
    assert list(tmp_path.glob("manifest.json.corrupt-*"))
    assert back.cursors == {}
    back.persist(tmp_path)  # 1e300: "File name too long" on every persist before
    assert Cache.load(tmp_path).warnings == []


def test_a_persist_next_to_a_bad_manifest_still_writes(tmp_path: Path) -> None:
    raw(tmp_path, '{"format": 1, "generation": 1e400, "streams": {}}')
    filled().persist(tmp_path)  # OverflowError before
    assert Cache.load(tmp_path).cursors == {"tickets": "cursor-5", "calls": "1700000000"}


def test_an_entry_naming_another_streams_file_leaves_that_file_alone(tmp_path: Path) -> None:
    def swap(m: dict[str, Any]) -> None:
        m["streams"]["tickets"]["file"] = m["streams"]["calls"]["file"]

    manifest = write(tmp_path, swap)
    back = Cache.load(tmp_path)
    line = one_line(back.warnings)
    assert "tickets" in line and "re-synced" in line and "moved aside" not in line
    assert (tmp_path / manifest["streams"]["calls"]["file"]).is_file()  # moved aside before
    assert back.frames.calls.height == 1 and back.cursor("calls") == "1700000000"
    assert back.frames.tickets.height == 0 and back.cursor("tickets") is None


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (lambda m: m["streams"].__setitem__("tickets", None), "no entry for tickets"),
        (lambda m: m["streams"].pop("tickets"), "no entry for tickets"),
        (lambda m: m["streams"]["tickets"].__setitem__("cursor", 5), "cursor"),
        (lambda m: m["streams"]["tickets"].__setitem__("file", "../x.parquet"), "no file"),
        (lambda m: m["streams"]["tickets"].__setitem__("file", "tickets.g1e400.parquet"), "file"),
        (lambda m: m["streams"]["tickets"].__setitem__("rows", 1e400), "rows"),
        (lambda m: m["streams"]["tickets"].__setitem__("crc32", "x"), "checksum"),
    ],
)
def test_a_bad_stream_entry_is_named_and_only_that_stream_resynced(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], what: str
) -> None:
    write(tmp_path, change)
    back = Cache.load(tmp_path)  # streams.tickets = null re-synced silently before
    line = one_line(back.warnings)
    assert "tickets" in line and what in line and "re-synced" in line
    assert back.frames.tickets.height == 0 and back.cursor("tickets") is None
    assert back.frames.calls.height == 1 and back.cursor("calls") == "1700000000"


@pytest.mark.parametrize(
    "text",
    ["[1, 2]", '"x"', "[" * 100_000, '{"format": 2, "streams": {}}', "\xff", ""],
    ids=["list", "string", "deep", "format 2", "latin-1", "empty"],
)
def test_an_unreadable_manifest_is_named_and_moved_aside(tmp_path: Path, text: str) -> None:
    raw(tmp_path, text)
    back = Cache.load(tmp_path)
    assert "every stream" in one_line(back.warnings) and back.cursors == {}
    assert list(tmp_path.glob("manifest.json.corrupt-*"))


def test_a_deleted_manifest_says_so_and_sets_the_files_aside(tmp_path: Path) -> None:
    filled().persist(tmp_path)
    (tmp_path / MANIFEST).unlink()
    back = Cache.load(tmp_path)  # silently re-synced everything before
    line = one_line(back.warnings)
    assert "missing" in line and "every stream" in line
    assert not list(tmp_path.glob("*.parquet")) and list(tmp_path.glob("*.parquet.corrupt-*"))
