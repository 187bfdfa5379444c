"""A growable columnar table: one numpy array per column, rows appended in place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

NULL = -1  # integer stand-in for JSON null / absent in every integer column


class Table:
    """Columns share one length ``n``; capacity doubles when full. Appends are O(1) amortised."""

    def __init__(self, columns: Mapping[str, np.ndarray]) -> None:
        lengths = {len(col) for col in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns differ in length: {sorted(lengths)}")
        self.n = lengths.pop() if lengths else 0
        self.cols: dict[str, np.ndarray] = {k: np.ascontiguousarray(v) for k, v in columns.items()}

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> np.ndarray:
        """The used part of a column (a view)."""
        return self.cols[name][: self.n]

    def _reserve(self, extra: int) -> None:
        need = self.n + extra
        cap = len(next(iter(self.cols.values()))) if self.cols else 0
        if need <= cap:
            return
        new_cap = max(need, cap * 2, 16)
        for name, col in self.cols.items():
            grown = np.full(new_cap, NULL, dtype=col.dtype)
            grown[: self.n] = col[: self.n]
            self.cols[name] = grown

    def append(self, row: Mapping[str, Any]) -> int:
        """Append one row (missing columns become NULL); returns its index."""
        self._reserve(1)
        i = self.n
        for name, col in self.cols.items():
            col[i] = row.get(name, NULL)
        self.n += 1
        return i

    def extend(self, columns: Mapping[str, np.ndarray]) -> int:
        """Append many rows at once (every column given); returns the first new index."""
        count = len(next(iter(columns.values())))
        self._reserve(count)
        first = self.n
        for name, col in self.cols.items():
            col[first : first + count] = columns[name]
        self.n += count
        return first

    def row(self, i: int) -> dict[str, int]:
        return {name: int(col[i]) for name, col in self.cols.items()}

    def rows(self, indices: list[int]) -> list[dict[str, int]]:
        """Many rows as dicts, column-wise (far faster than ``row`` in a loop)."""
        idx = np.asarray(indices, dtype=np.int64)
        names = list(self.cols)
        values = [self.cols[name][idx].tolist() for name in names]
        return [dict(zip(names, vals, strict=True)) for vals in zip(*values, strict=True)]

    def nbytes(self) -> int:
        return sum(col.nbytes for col in self.cols.values())
