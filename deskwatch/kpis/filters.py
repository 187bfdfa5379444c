"""Ticket filters (KPIS.md "Filters"): which tickets, and so which ratings, every figure counts.

A :class:`TicketFilter` holds resolved ids (groups, brands) and channel names; a ticket is kept
when its ``group_id`` is one of the groups (if any), its ``brand_id`` one of the brands (if any)
and its ``channel`` one of the channels (if any). Ratings follow their ticket. :func:`resolve`
turns the names or ids of ``[filters]`` / ``--group`` into ids, from the groups and brands
listings; an unknown name is a :class:`FilterError` with a did-you-mean (or, not ``strict``, a
problem noted and a term that matches nothing, so the figures can never silently widen).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from deskwatch.config.text import did_you_mean, quote
from deskwatch.store.cache import Frames

NOTHING = -1  # an id no Zendesk record has: an unknown name matches no ticket


class FilterError(ValueError):
    """An unknown group or brand name, worded as one line."""


@dataclass(frozen=True)
class TicketFilter:
    groups: frozenset[int] = frozenset()
    brands: frozenset[int] = frozenset()
    channels: frozenset[str] = frozenset()
    #: how the filter reads for a person ("group Billing · channel email"), not part of identity
    label: str = field(default="", compare=False)
    #: unknown names (non-strict resolution), one line each; not part of identity
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def active(self) -> bool:
        return bool(self.groups or self.brands or self.channels)

    def tickets(self) -> pl.Expr:
        """True for the tickets this filter keeps (never null)."""
        keep = pl.lit(True)
        if self.groups:
            keep &= pl.col("group_id").is_in(sorted(self.groups)).fill_null(False)
        if self.brands:
            keep &= pl.col("brand_id").is_in(sorted(self.brands)).fill_null(False)
        if self.channels:
            keep &= pl.col("channel").is_in(sorted(self.channels)).fill_null(False)
        return keep

    def to_json(self) -> dict[str, list[int] | list[str]] | None:
        """The snapshot's ``filters`` key: None when no filter, else sorted ids and names."""
        if not self.active:
            return None
        return {
            "groups": sorted(g for g in self.groups if g != NOTHING),
            "brands": sorted(b for b in self.brands if b != NOTHING),
            "channels": sorted(self.channels),
        }


def kept_ratings(ticket_ids: pl.Series) -> pl.Expr:
    """Ratings whose ticket is one of ``ticket_ids`` (the kept tickets)."""
    return pl.col("ticket_id").is_in(ticket_ids.implode()).fill_null(False)


def narrow(frames: Frames, flt: TicketFilter | None) -> Frames:
    """``frames`` with only the kept tickets and their ratings (the others untouched)."""
    if flt is None or not flt.active:
        return frames
    tickets = frames.tickets.filter(flt.tickets())
    ids = tickets.get_column("id")
    ratings = frames.ratings.filter(kept_ratings(ids))
    return replace(frames, tickets=tickets, ratings=ratings)


def _listing(frame: pl.DataFrame) -> list[tuple[int, str]]:
    rows = frame.select("id", "name").drop_nulls("id").iter_rows()
    return [(int(i), str(n) if n is not None else "") for i, n in rows]


def _pick(
    kind: str, wanted: Iterable[str | int], listing: list[tuple[int, str]], strict: bool
) -> tuple[set[int], list[str], list[str]]:
    """(ids, their names for the label, problems)."""
    ids: set[int] = set()
    names: list[str] = []
    problems: list[str] = []
    by_name: dict[str, list[int]] = {}
    folded: dict[str, list[int]] = {}
    for i, name in listing:
        by_name.setdefault(name, []).append(i)
        folded.setdefault(name.casefold(), []).append(i)
    name_of = dict(listing)
    for term in wanted:
        if isinstance(term, int) or (isinstance(term, str) and term.isdigit()):
            i = int(term)
            ids.add(i)
            names.append(name_of.get(i) or f"#{i}")
            continue
        found = by_name.get(term) or folded.get(term.casefold())
        if found:
            ids.update(found)
            names.append(name_of[found[0]])
            continue
        known = sorted({n for _, n in listing if n})
        hint = did_you_mean(term, known, '; did you mean "{}"?')
        if not listing:
            line = f"unknown {kind} {quote(term)}: no {kind}s are synced yet"
        else:
            line = f"unknown {kind} {quote(term)}{hint} (known: {', '.join(known[:8])})"
        if strict:
            raise FilterError(line)
        problems.append(line)
        ids.add(NOTHING)
        names.append(f"{term}?")
    return ids, names, problems


@dataclass(frozen=True)
class FilterChoices:
    """What a filter can pick from: (id, name) of each group and brand, the channels seen."""

    groups: tuple[tuple[int, str], ...]
    brands: tuple[tuple[int, str], ...]
    channels: tuple[str, ...]


def choices(frames: Frames) -> FilterChoices:
    def named(frame: pl.DataFrame) -> tuple[tuple[int, str], ...]:
        if "deleted" in frame.columns:
            frame = frame.filter(~pl.col("deleted").fill_null(False))
        return tuple(sorted(_listing(frame), key=lambda r: (r[1].casefold(), r[0])))

    channels = frames.tickets.get_column("channel").drop_nulls().unique().sort().to_list()
    return FilterChoices(named(frames.groups), named(frames.brands), tuple(channels))


def resolve(
    groups: Sequence[str | int],
    brands: Sequence[str | int],
    channels: Sequence[str],
    frames: Frames,
    *,
    strict: bool = True,
) -> TicketFilter | None:
    """The filter for these names or ids (None when none is given), from the groups and brands
    listings in ``frames``. A whole number is taken as an id, listed or not (a deleted group's
    tickets keep its id); a name matches exactly, else ignoring case (all groups of that name)."""
    if not (groups or brands or channels):
        return None
    g_ids, g_names, g_problems = _pick("group", groups, _listing(frames.groups), strict)
    b_ids, b_names, b_problems = _pick("brand", brands, _listing(frames.brands), strict)
    chans = frozenset(c.strip() for c in channels if c.strip())
    parts = []
    if g_names:
        parts.append("group " + ", ".join(g_names))
    if b_names:
        parts.append("brand " + ", ".join(b_names))
    if chans:
        parts.append("channel " + ", ".join(sorted(chans)))
    return TicketFilter(
        frozenset(g_ids),
        frozenset(b_ids),
        chans,
        label=" · ".join(parts),
        problems=(*g_problems, *b_problems),
    )
