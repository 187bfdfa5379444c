"""The KPI dashboard's view, without a terminal: tiles, bars, trends, the cost hint, the window."""

from __future__ import annotations

from dataclasses import replace

from deskwatch.kpis import catalogue as k
from deskwatch.views.kpi import COST_HINT, FIGURES, next_window, view, window_title
from tests.functional.snapshot_apps.dash_fixture import make_data


def _view(**kw):  # type: ignore[no-untyped-def]
    data = make_data(**kw)
    return view(data.snapshot, data.cfg, data.now)


def test_tiles_read_the_window_figures() -> None:
    v = _view()
    tiles = {t.id: t for t in v.tiles}
    assert list(tiles) == [
        "tickets.created.window",
        "tickets.solved.window",
        "tickets.reopened",
        "tickets.one_touch",
        "csat.score",
        "tickets.cost_per_ticket",
    ]
    # fixture: created 4,211, solved 4,102, reopened 120 of 4,211, one-touch 1,500 of 4,102
    assert (tiles["tickets.created.window"].value, tiles["tickets.created.window"].versus) == (
        "4,211",
        "30 days",
    )
    assert (tiles["tickets.reopened"].value, tiles["tickets.reopened"].versus) == (
        "2.8%",
        "120/4,211",
    )
    assert (tiles["tickets.one_touch"].value, tiles["tickets.one_touch"].versus) == (
        "36.6%",
        "1,500/4,102",
    )
    # CSAT 812 / 907 = 89.5 % against the 85 % target: good
    csat = tiles["csat.score"]
    assert (csat.value, csat.versus, csat.verdict) == ("90%", "target 85%", "good")
    assert tiles["tickets.cost_per_ticket"].value == "14.37"
    assert v.cost_hint == ""


def test_cost_tile_gives_way_to_a_hint_when_not_configured() -> None:
    v = _view(cost=False)
    assert k.COST_PER_TICKET.id not in {t.id for t in v.tiles}
    assert v.cost_hint == COST_HINT and "monthly_support_cost" in v.cost_hint


def test_csat_below_target_is_bad() -> None:
    data = make_data()
    low = replace(data.snapshot.csat, score=0.7)  # type: ignore[union-attr]
    snap = replace(data.snapshot, csat=low)  # type: ignore[type-var]
    csat = next(t for t in view(snap, data.cfg, data.now).tiles if t.id == "csat.score")
    assert (csat.value, csat.verdict) == ("70%", "bad")


def test_reopened_line_as_the_seed_shows_it() -> None:
    assert _view().reopened == "120 of 4,211 tickets reopened (2.8%)"


def test_bars_largest_first_with_none_and_unknown_last() -> None:
    v = _view()
    assert [(b.label, b.text) for b in v.by_type.bars] == [
        ("question", "1,000"),
        ("incident", "900"),
        ("task", "200"),
        ("problem", "100"),
        ("no type", "2,011"),  # the largest, still last
    ]
    assert [b.label for b in v.by_channel.bars] == ["email", "web", "api", "voice", "unknown"]
    # status keeps the lifecycle order
    assert [b.label for b in v.status.bars] == [
        "new",
        "open",
        "pending",
        "on hold",
        "solved",
        "closed",
    ]
    assert [b.value for b in v.status.bars] == [14, 97, 31, 6, 5120, 40012]


def test_trends_carry_daily_values_targets_and_summaries() -> None:
    v = _view()
    assert len(v.first_reply.dates) == 30 and v.first_reply.dates[-1] == "2026-11-23"
    assert v.first_reply.values[6] is None  # the fixture's empty day stays a gap
    assert v.first_reply.target == 60.0 and v.full_resolution.target == 1440.0
    # window median 54m against 60m: good
    assert (v.first_reply.summary, v.first_reply.verdict) == ("median 54m · target 1h 00m", "good")
    # today's score, then the window's (812 of 907 good) and the counts it is made of
    assert v.csat.summary == "today 83% · 30 d: 90% of 907 (812 good, 95 bad)"
    assert v.csat.short == "today 83% · 30 d: 90% of 907"  # for a narrow panel (80 columns)
    assert v.csat.target == 0.85 and v.csat.values[9] is None
    assert v.backlog.values[0] == 140.0 and v.backlog.summary == "144 unsolved now · 140 on 10-25"


def test_nothing_computed_yet() -> None:
    v = _view(empty=True)
    assert all(t.value == "—" for t in v.tiles)
    assert all(b.text == "—" for b in v.status.bars)
    assert v.by_type.bars == () or all(b.value == 0 for b in v.by_type.bars)
    assert v.first_reply.values == () and v.backlog.summary.startswith("—")
    assert v.title == "Last 30 days"


def test_window_title_steps_and_partial() -> None:
    data = make_data()
    assert window_title(data.snapshot, data.cfg) == "Last 30 days · 25 Oct – 23 Nov"
    assert [next_window(d, 1) for d in (7, 30, 90, 14)] == [30, 90, 90, 30]
    assert [next_window(d, -1) for d in (7, 30, 90, 14)] == [7, 7, 30, 7]
    partial = view(data.snapshot, data.cfg, data.now, partial=True)
    assert "PARTIAL" in partial.partial and _view().partial == ""


def test_every_figure_is_declared_in_the_catalogue() -> None:
    assert all(k.CATALOGUE[f.id] is f for f in FIGURES)
