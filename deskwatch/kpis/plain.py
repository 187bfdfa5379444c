"""Typed snapshot values <-> plain JSON values, driven by the dataclasses' type hints.

:func:`from_plain` builds a frozen dataclass tree from the dicts and lists the KPI modules
produce, and refuses a missing or unexpected key (naming its path), so a figure added to a KPI
module without its field, or a field without its figure, fails the first test that computes a
snapshot. :func:`to_plain` turns the tree back into dicts and lists, keys in field order, for
``deskwatch export``. Numbers pass through as they are (an ``int`` stays an ``int``), except that
a non-finite float becomes None (JSON has no NaN).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

T = TypeVar("T")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(cls: type[T], value: Any, path: str = "") -> T:
    """``value`` (JSON-shaped) as an instance of the dataclass ``cls``."""
    result: T = _convert(cls, value, path or cls.__name__)
    return result


def _convert(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(inner, value, path)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_convert(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is Mapping or origin is dict:
        item = typing.get_args(hint)[1]
        return MappingProxyType(
            {str(k): _convert(item, v, f"{path}.{k}") for k, v in value.items()}
        )
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, Mapping):
            raise ValueError(f"{path}: expected an object, got {type(value).__name__}")
        names = [f.name for f in dataclasses.fields(hint)]
        missing = [n for n in names if n not in value]
        extra = [k for k in value if k not in names]
        if missing or extra:
            raise ValueError(f"{path}: missing {missing}, unexpected {extra}")
        hints = _hints(hint)
        return hint(**{n: _convert(hints[n], value[n], f"{path}.{n}") for n in names})
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_plain(value: Any) -> Any:
    """Dataclasses -> dicts (field order), tuples -> lists, mappings -> dicts; a fresh copy."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    return value
