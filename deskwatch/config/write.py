"""Writing the active filter back to the config file (``[filters]``), keeping the rest.

The file is edited with tomlkit, so every other table, key, comment and blank line stays as it
was; only ``[filters]`` ``groups``, ``brands`` and ``channels`` change (a table is added at the
end when there is none; an empty list removes its key). Group and brand ids get the names they
stand for as a comment. The new text must load as a valid config before it is written (a file
deskwatch would refuse is never written), then it replaces the file atomically: a temp file in
the same directory with the file's own mode, fsync, rename, fsync of the directory, so a crash
leaves either the old file or the new one. A symlinked config is written where the link points.
Any failure is a :class:`ConfigError` worded as one line (the file is left untouched).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from deskwatch.config.load import build_config
from deskwatch.config.model import ConfigError, FiltersConfig
from deskwatch.config.text import clean

KEYS = ("groups", "brands", "channels")


def filters_text(filters: FiltersConfig) -> str:
    """``[filters]`` lines to paste by hand (when the file cannot be written)."""
    return "; ".join(
        f"{key} = {list(value)!r}".replace("'", '"')
        for key, value in zip(KEYS, (filters.groups, filters.brands, filters.channels), strict=True)
        if value
    )


def _array(values: Sequence[str | int], names: Mapping[int, str]) -> tomlkit.items.Array:
    item = tomlkit.array()
    item.extend(list(values))
    named = [names[v] for v in values if isinstance(v, int) and v in names]
    if named:
        item.comment(", ".join(named))
    return item


def save_filters(
    path: Path | None,
    filters: FiltersConfig,
    names: Mapping[int, str] | None = None,
) -> Path:
    """Write ``filters`` as the file's ``[filters]``; return the file written. ``names``: the
    group and brand names of ids, written as comments."""
    if path is None:
        raise ConfigError(
            "no config file to save the filter to (started without one); add to [filters] "
            f"by hand: {filters_text(filters) or 'nothing (no filter)'}"
        )
    target = Path(path).resolve()
    where = clean(str(target))
    hint = f"; add to [filters] by hand: {filters_text(filters)}" if filters.active else ""
    if target.exists() and not os.access(target, os.W_OK):
        raise ConfigError(f"{where}: the config file is not writable{hint}")
    try:
        text = target.read_text("utf-8")
        mode = stat.S_IMODE(target.stat().st_mode)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise ConfigError(f"{where}: cannot read the config to save the filter: {reason}") from None
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"{where}: not valid TOML, the filter was not saved: {exc}") from None
    table = doc.get("filters")
    if table is None:
        table = tomlkit.table()
        doc.add("filters", table)
    elif not isinstance(table, dict):
        raise ConfigError(f"{where}: filters is not a table, the filter was not saved")
    for key, value in zip(KEYS, (filters.groups, filters.brands, filters.channels), strict=True):
        if value:
            table[key] = _array(value, names or {})
        elif key in table:
            del table[key]
    new = tomlkit.dumps(doc)
    try:  # never write a file deskwatch would refuse
        build_config(tomllib.loads(new), env={}, require_account=False)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        raise ConfigError(f"{where}: the filter was not saved: {exc}") from None
    try:
        _atomic_replace(target, new, mode)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot save the filter: {exc.strerror}{hint}") from None
    return target


def _atomic_replace(target: Path, text: str, mode: int) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fchmod(fh.fileno(), mode)  # the umask may have narrowed it
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
