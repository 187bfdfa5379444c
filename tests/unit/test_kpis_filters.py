"""Resolving filter names to ids, and what a filter keeps (KPIS.md "Filters")."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from deskwatch.kpis.filters import NOTHING, FilterError, choices, narrow, resolve
from deskwatch.store import Cache, Frames
from deskwatch.views.figures import talk_scope
from tests.unit.kpi_records import rating, ticket

NOW_TS = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def frames() -> Frames:
    c = Cache()
    c.replace_records("groups", [{"id": 1, "name": "Billing"}, {"id": 2, "name": "Support"}])
    c.replace_records("brands", [{"id": 5, "name": "Acme"}, {"id": 6, "name": "Acme Pro"}])
    c.ingest(
        "tickets",
        [
            ticket(1, NOW_TS, group=1, brand=5, channel="email"),
            ticket(2, NOW_TS, group=2, brand=5, channel="web"),
            ticket(3, NOW_TS, group=1, brand=6, channel=None),
        ],
    )
    c.ingest(
        "ratings", [rating(1, NOW_TS, "good"), rating(2, NOW_TS, "bad"), rating(9, NOW_TS, "good")]
    )
    return c.frames


def test_names_ids_and_case() -> None:
    f = resolve(["billing", 2], ["Acme Pro"], ["email"], frames())
    assert f is not None
    assert (f.groups, f.brands, f.channels) == ({1, 2}, {6}, {"email"})
    assert f.label == "group Billing, Support · brand Acme Pro · channel email"
    assert f.to_json() == {"groups": [1, 2], "brands": [6], "channels": ["email"]}
    assert resolve([], [], [], frames()) is None


def test_an_unknown_name_is_one_line_with_a_suggestion() -> None:
    with pytest.raises(FilterError, match=r'unknown group "Biling"; did you mean "Billing"\?'):
        resolve(["Biling"], [], [], frames())
    with pytest.raises(FilterError, match='unknown brand "Nope"'):
        resolve([], ["Nope"], [], frames())
    empty = replace(frames(), groups=Cache().frames.groups)
    with pytest.raises(FilterError, match="no groups are synced yet"):
        resolve(["Billing"], [], [], empty)


def test_not_strict_an_unknown_name_matches_nothing_and_says_so() -> None:
    f = resolve(["Biling"], [], [], frames(), strict=False)
    assert f is not None and f.groups == {NOTHING} and "Biling?" in f.label
    assert f.problems and narrow(frames(), f).tickets.height == 0


def test_narrow_keeps_the_tickets_and_their_ratings() -> None:
    f = resolve(["Billing"], [], ["email", "unknown"], frames())
    kept = narrow(frames(), f)
    assert sorted(kept.tickets["id"].to_list()) == [1, 3]  # no channel reads "unknown"
    assert kept.ratings["id"].to_list() == [1]  # 2: ticket not kept; 9: ticket unknown
    c = choices(frames())
    assert c.groups == ((1, "Billing"), (2, "Support")) and c.channels == (
        "email",
        "unknown",
        "web",
    )


def test_talk_says_account_wide_under_a_filter() -> None:
    from deskwatch.kpis import compute_snapshot
    from tests.unit.kpi_records import cfg

    plain = compute_snapshot(frames(), cfg(), NOW_TS)
    filtered = compute_snapshot(frames(), cfg(), NOW_TS, resolve([1], [], [], frames()))
    assert talk_scope(plain) == "" and talk_scope(filtered) == "account-wide"
    assert filtered.scope == "group Billing" and plain.scope == ""
