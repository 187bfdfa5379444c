"""Counts of what the edge checks turned away: records skipped and fields nulled, per stream and
reason. Kept by the client for the session, carried in the cache (and its manifest) across
sessions, summed up in one line for ``export``, ``check`` and the status bar.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, str]  # (stream, reason)
SHOWN = 3  # reasons named in a summary line; the rest are counted


@dataclass
class Rejects:
    skipped: Counter[Key] = field(default_factory=Counter)
    nulled: Counter[Key] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.skipped or self.nulled)

    def add(self, other: Rejects) -> None:
        self.skipped.update(other.skipped)
        self.nulled.update(other.nulled)

    def pop(self, stream: str) -> Rejects:
        """Take out (and return) the counts of ``stream``."""
        out = Rejects(_of(self.skipped, stream), _of(self.nulled, stream))
        for key in out.skipped:
            del self.skipped[key]
        for key in out.nulled:
            del self.nulled[key]
        return out

    def drop(self, stream: str) -> None:
        self.pop(stream)

    def summary(self) -> str | None:
        """One line, e.g. ``skipped 2 bad records (tickets: 2 assignee_id: id out of range)``."""
        parts = []
        if self.skipped:
            parts.append(_line("skipped", self.skipped, "bad record"))
        if self.nulled:
            parts.append(_line("nulled", self.nulled, "bad value"))
        return "; ".join(parts) or None

    def to_json(self) -> dict[str, Any]:
        return {
            "skipped": _dump(self.skipped),
            "nulled": _dump(self.nulled),
        }

    @classmethod
    def from_json(cls, data: Any) -> Rejects:
        """Raises ValueError when ``data`` is not what :meth:`to_json` writes."""
        if data is None:  # written before the tally existed
            return cls()
        if not isinstance(data, dict):
            raise ValueError("rejects is not an object")
        return cls(_load(data.get("skipped")), _load(data.get("nulled")))


def _of(counts: Counter[Key], stream: str) -> Counter[Key]:
    return Counter({k: n for k, n in counts.items() if k[0] == stream})


def _line(verb: str, counts: Counter[Key], noun: str) -> str:
    total = counts.total()
    top = counts.most_common(SHOWN)
    named = ", ".join(f"{stream} {reason} ×{n:,}" for (stream, reason), n in top)
    more = f", +{total - sum(n for _, n in top):,} more" if len(counts) > SHOWN else ""
    return f"{verb} {total:,} {noun}{'s' if total != 1 else ''} ({named}{more})"


def _dump(counts: Counter[Key]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (stream, reason), n in sorted(counts.items()):
        out.setdefault(stream, {})[reason] = n
    return out


def _load(data: Any) -> Counter[Key]:
    counts: Counter[Key] = Counter()
    if data is None:
        return counts
    if not isinstance(data, Mapping):
        raise ValueError("counts are not an object")
    for stream, reasons in data.items():
        if not isinstance(reasons, Mapping):
            raise ValueError(f"counts of {stream!r} are not an object")
        for reason, n in reasons.items():
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n < 2**63:
                raise ValueError(f"count {stream}/{reason} is not a count")
            counts[(str(stream), str(reason))] += n
    return counts
