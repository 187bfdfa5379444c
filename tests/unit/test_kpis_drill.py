"""Drill-down: for every figure the catalogue gives a drill query, on generated data, the
listing holds exactly as many tickets as the figure says (tiles, hourly bars, agent figures),
with and without a filter."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from deskwatch.bench import gen
from deskwatch.kpis import compute_snapshot
from deskwatch.kpis.catalogue import AGENT_DRILLS, CATALOGUE
from deskwatch.kpis.drill import COLUMNS, listing
from deskwatch.kpis.filters import TicketFilter
from deskwatch.store import Cache, Frames
from tests.unit.kpi_records import cfg

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
CFG = cfg(account={"timezone": "Europe/Berlin"}, kpis={"window_days": 14})
FILTERS = [None, TicketFilter(groups=frozenset({1, 2, 3}), channels=frozenset({"email", "web"}))]


@pytest.fixture(scope="module")
def frames() -> Frames:
    rng = np.random.default_rng(7)
    c = Cache()
    tickets = gen.tickets(6000, NOW, rng, days=30)
    c.replace_frame("tickets", tickets)
    c.replace_frame("ratings", gen.ratings(tickets, NOW, rng))
    c.replace_frame("users", gen.users(rng, end_users=10))
    return c.frames


DRILLED = [k for k in CATALOGUE.values() if k.drill is not None]


def test_every_count_tile_and_bar_has_a_drill_query() -> None:
    ids = {k.id for k in DRILLED}
    assert {
        "tickets.created.today",
        "tickets.unassigned",
        "tickets.status.open",
        "tickets.unsolved",
        "tickets.status.pending",
        "tickets.solved.today",
        "tickets.escalated",
        "ops.created_per_hour_today",
        "ops.solved_per_hour_today",
    } <= ids


@pytest.mark.parametrize("flt", FILTERS, ids=["all", "filtered"])
@pytest.mark.parametrize("kpi", DRILLED, ids=lambda k: k.id)
def test_the_listing_holds_the_figure(frames: Frames, kpi, flt) -> None:  # type: ignore[no-untyped-def]
    snap = compute_snapshot(frames, CFG, NOW, flt)
    value = kpi.value(snap)
    if isinstance(value, tuple):  # a bar chart: each bar
        assert sum(value) > 0
        for hour, count in enumerate(value):
            rows = listing(frames, CFG, NOW, kpi.drill, hour, flt)
            assert rows.height == count, (kpi.id, hour)
        return
    rows = listing(frames, CFG, NOW, kpi.drill, None, flt)
    assert value > 0 and rows.height == value
    assert tuple(rows.columns) == COLUMNS


@pytest.mark.parametrize("flt", FILTERS, ids=["all", "filtered"])
def test_agent_figures_list_their_tickets(frames: Frames, flt) -> None:  # type: ignore[no-untyped-def]
    snap = compute_snapshot(frames, CFG, NOW, flt)
    checked = 0
    for agent in snap.agents[:12]:
        for field, drill in AGENT_DRILLS.items():
            rows = listing(frames, CFG, NOW, drill, agent.agent_id, flt)
            if field == "solved":
                assert rows.height == agent.solved
            else:  # a median: its tickets are the values it is the median of
                values = rows.height
                assert (values == 0) == (getattr(agent, field) is None)
            checked += 1
    assert checked
