"""Figures the history backfill has not reached are marked partial: one rule in the views.

While the backfill runs (``DashboardData.partial``), every figure whose catalogue entry reads
days before today (``Kpi.today_only`` false: a window, a daily series, the tickets still open)
is marked partial; figures of today's changes and live listings are complete and unmarked.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from deskwatch.kpis import catalogue as k
from deskwatch.views import agents, kpi, operations, talk
from deskwatch.views.figures import badges, mark_partial, reads_history
from tests.functional.snapshot_apps.dash_fixture import make_data as dash_data
from tests.functional.snapshot_apps.ops_fixture import make_data as ops_data


def figures(view: Any) -> list[Any]:
    """Every figure (a dataclass with ``id`` and ``partial``) in ``view``, at any depth."""
    found: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, tuple):
            for v in value:
                walk(v)
        elif is_dataclass(value) and not isinstance(value, type):
            names = {f.name for f in fields(value)}
            if {"id", "partial"} <= names:
                found.append(value)
            for name in names:
                walk(getattr(value, name))

    walk(view)
    return found


def test_the_catalogue_says_which_figures_read_only_today() -> None:
    for figure in k.CATALOGUE.values():
        if any(w in figure.id for w in ("window", "daily", "typical", "projection")):
            assert not figure.today_only, figure.id  # reads past days
    today = {f.id for f in k.CATALOGUE.values() if f.today_only}
    assert {"tickets.created.today", "tickets.solved.today", "csat.today"} <= today
    assert {"talk.answered.today", "talk.queue.calls_waiting", "ops.agents_on_call"} <= today
    # the tickets still open include ones created before today: not today's exports alone
    assert not today & {"tickets.unassigned", "tickets.status.open", "tickets.unsolved"}
    assert reads_history("no.such.figure")  # unknown: better marked than shown complete


def test_nothing_is_marked_once_the_history_is_in() -> None:
    data = ops_data()
    done = operations.view(data.snapshot, data.cfg, data.now)
    assert mark_partial(done, False) is done
    assert figures(done) and not any(f.partial for f in figures(done))


def test_operations_marks_the_figures_that_read_past_days() -> None:
    data = ops_data()
    v = operations.view(data.snapshot, data.cfg, data.now, partial=True)
    marked = {t.id: t.partial for t in v.tiles}
    assert marked == {
        "tickets.created.today": False,
        "tickets.unassigned": True,
        "tickets.status.open": True,
        "tickets.unsolved": True,
        "tickets.solved.today": False,
        "tickets.escalated": True,
    }
    assert v.first_reply.partial and v.full_resolution.partial  # month to date, daily medians
    assert v.tiles[0].value == operations.view(data.snapshot, data.cfg, data.now).tiles[0].value


def test_kpi_talk_and_agents_screens_mark_their_window_figures() -> None:
    data = dash_data()
    v = kpi.view(data.snapshot, data.cfg, data.now, partial=True)
    assert "PARTIAL" in v.partial
    assert all(f.partial for f in figures(v)), [f.id for f in figures(v) if not f.partial]
    assert {f.id for f in figures(v)} >= {"tickets.created.window", "csat.daily", "tickets.status"}

    t = talk.view(data.snapshot, data.cfg, data.now, partial=True)
    assert not any(tile.partial for tile in t.live)  # the queue and today's agents: live
    assert t.quality.partial and t.unsuccessful_daily.partial
    assert t.efficiency and all(r.partial for r in t.efficiency)  # the window column
    assert t.top_agents and all(a.partial for a in t.top_agents)
    assert not talk.view(data.snapshot, data.cfg, data.now).quality.partial

    a = agents.view(data.snapshot, data.cfg, data.now, partial=True)
    assert a.partial.startswith("PARTIAL")
    assert agents.view(data.snapshot, data.cfg, data.now).partial == ""


def test_badges() -> None:
    assert badges() == ""
    assert badges(stale=True, partial=True) == "STALE PARTIAL"
    assert badges(alert=True, partial=True) == "ALERT PARTIAL"
