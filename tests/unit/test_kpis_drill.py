"""Drill-down: for every figure the catalogue gives a drill query, on generated data (tickets,
ratings, calls), each listing holds exactly as many records as the figure says (tiles, every
bar of every chart, per day and per agent), with and without a filter; every figure a
dashboard shows either lists its records or says why it cannot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from deskwatch.bench import gen
from deskwatch.kpis import compute_snapshot
from deskwatch.kpis.catalogue import AGENT_DRILLS, CATALOGUE
from deskwatch.kpis.drill import COLUMNS_OF, Drill, listing
from deskwatch.kpis.filters import TicketFilter
from deskwatch.store import Cache, Frames
from deskwatch.views import kpi, operations, talk
from tests.unit.kpi_records import cfg

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
CFG = cfg(account={"timezone": "Europe/Berlin"}, kpis={"window_days": 14})
FILTERS = [None, TicketFilter(groups=frozenset({1, 2, 3}), channels=frozenset({"email", "web"}))]


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return gen.tickets(6000, NOW, np.random.default_rng(7), days=30)


@pytest.fixture(scope="module")
def cache(tickets: pl.DataFrame) -> Cache:
    rng = np.random.default_rng(8)
    c = Cache()
    c.replace_frame("tickets", tickets)
    c.replace_frame("ratings", gen.ratings(tickets, NOW, rng))
    calls, legs = gen.calls_and_legs(6000, NOW, rng, days=30)
    c.replace_frame("calls", calls)
    c.replace_frame("legs", legs)
    c.replace_frame("users", gen.users(rng, end_users=10))
    return c


@pytest.fixture(scope="module")
def frames(cache: Cache) -> Frames:
    return cache.frames


DRILLED = [k for k in CATALOGUE.values() if k.drill is not None]


def test_every_figure_on_a_dashboard_lists_its_records_or_says_why_not() -> None:
    shown = {k.id: k for k in (*operations.FIGURES, *kpi.FIGURES, *talk.FIGURES)}
    silent = [i for i, k in shown.items() if k.drill is None and not k.unlisted]
    assert not silent
    both = [k.id for k in CATALOGUE.values() if k.drill is not None and k.unlisted]
    assert not both
    # the counts of every dashboard (tiles and bars) are listed
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
        "tickets.created.window",
        "tickets.solved.window",
        "tickets.reopened",
        "tickets.one_touch",
        "tickets.status",
        "tickets.by_type",
        "tickets.by_channel",
        "csat.score",
        "csat.good",
        "csat.bad",
        "csat.today",
        "talk.inbound.today",
        "talk.answered.today",
        "talk.unsuccessful.today",
        "talk.unsuccessful.daily",
        "talk.top_agents",
    } <= {k.id for k in DRILLED}


@pytest.mark.parametrize("flt", FILTERS, ids=["all", "filtered"])
@pytest.mark.parametrize("kpi", DRILLED, ids=lambda k: k.id)
def test_the_listing_holds_the_figure(frames: Frames, kpi, flt) -> None:  # type: ignore[no-untyped-def]
    snap = compute_snapshot(frames, CFG, NOW, flt)
    counts = kpi.drill_counts(snap)
    assert counts and sum(n for _, n in counts) > 0, kpi.id  # the data exercises it
    for arg, count in counts:
        rows = listing(frames, CFG, NOW, kpi.drill, arg, flt)
        assert rows.height == count, (kpi.id, arg)
        assert tuple(rows.columns) == COLUMNS_OF[kpi.drill.stream]
        assert rows.get_column("id").is_unique().all()


def test_bars_by_key_split_the_whole(frames: Frames) -> None:
    """The status bars add up to every live ticket, the type bars to the tickets created in
    the window: no ticket is in two bars or in none (nulls included: "none", "unknown")."""
    snap = compute_snapshot(frames, CFG, NOW)
    for figure, whole in (
        ("tickets.status", frames.tickets.filter(pl.col("status") != "deleted").height),
        ("tickets.by_type", CATALOGUE["tickets.created.window"].value(snap)),
        ("tickets.by_channel", CATALOGUE["tickets.created.window"].value(snap)),
    ):
        drill = CATALOGUE[figure].drill
        assert drill is not None
        ids = pl.concat(
            listing(frames, CFG, NOW, drill, arg).get_column("id")
            for arg, _ in CATALOGUE[figure].drill_counts(snap)
        )
        assert ids.len() == whole and ids.is_unique().all(), figure


def test_a_stacked_column_of_several_days_lists_them_all(frames: Frames) -> None:
    snap = compute_snapshot(frames, CFG, NOW)
    daily = CATALOGUE["talk.unsuccessful.daily"]
    counts = dict(daily.drill_counts(snap))
    days = sorted(counts)[-3:]
    assert daily.drill is not None
    rows = listing(frames, CFG, NOW, daily.drill, f"{days[0]}..{days[-1]}")
    assert rows.height == sum(counts[d] for d in days) > 0
    assert set(rows["outcome"].to_list()) <= {
        "exceeded_wait",
        "voicemail",
        "abandoned",
        "not_answered",
    }


def test_calls_are_account_wide_under_a_ticket_filter(frames: Frames) -> None:
    drill = CATALOGUE["talk.inbound.today"].drill
    assert drill is not None
    assert listing(frames, CFG, NOW, drill, None, FILTERS[1]).height == (
        listing(frames, CFG, NOW, drill).height
    )


def test_ratings_follow_their_ticket_under_a_filter(frames: Frames) -> None:
    drill = CATALOGUE["csat.good"].drill
    assert drill is not None
    rows = listing(frames, CFG, NOW, drill, None, FILTERS[1])
    kept = frames.tickets.filter(FILTERS[1].tickets()).get_column("id")  # type: ignore[union-attr]
    assert 0 < rows.height < listing(frames, CFG, NOW, drill).height
    assert rows.get_column("ticket_id").is_in(kept.implode()).all()
    assert set(rows["score"].to_list()) == {"good"}
    comments = dict(frames.ratings.select("id", "has_comment").iter_rows())
    assert dict(rows.select("id", "comment").iter_rows()) == {
        i: comments[i] for i in rows["id"].to_list()
    }
    assert rows["comment"].any() and not rows["comment"].all()


def test_subjects_read_on_demand_for_the_listed_tickets_only(
    cache: Cache, tickets: pl.DataFrame, tmp_path: Path
) -> None:
    """The frames in memory hold no subjects; a listing reads those of its tickets only, from
    memory before the first persist and from the persisted file after it."""
    assert "subject" not in cache.frames.tickets.columns
    asked: list[int] = []

    def subjects(ids: pl.Series) -> pl.DataFrame:
        asked.extend(ids.to_list())
        return cache.subjects(ids)

    drill = CATALOGUE["tickets.status.open"].drill
    assert drill is not None
    rows = listing(cache.frames, CFG, NOW, drill, subjects=subjects)
    assert sorted(asked) == sorted(rows["id"].to_list())
    truth = dict(tickets.select("id", "subject").iter_rows())
    assert dict(rows.select("id", "subject").iter_rows()) == {i: truth[i] for i in asked}
    cache.persist(tmp_path)
    assert not cache._subjects  # let go once on disk
    back = Cache.load(tmp_path)
    again = listing(back.frames, CFG, NOW, drill, subjects=back.subjects)
    assert again.equals(rows)
    # a ticket changed since: its new subject, before and after the next persist
    changed = tickets.filter(pl.col("id") == asked[0]).with_columns(
        pl.lit("Renamed: printer on fire").alias("subject"),
        pl.col("generated_timestamp") + 1,
    )
    back.ingest_frame("tickets", changed)
    for _ in range(2):
        got = dict(back.subjects(pl.Series([asked[0], asked[1]])).iter_rows())
        assert got == {asked[0]: "Renamed: printer on fire", asked[1]: truth[asked[1]]}
        back.persist(tmp_path)
    assert dict(Cache.load(tmp_path).subjects(pl.Series([asked[0]])).iter_rows()) == {
        asked[0]: "Renamed: printer on fire"
    }


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


def test_a_drill_is_plain_data() -> None:
    """A drill and its argument cross to another process (viewers) as JSON-able values."""
    import dataclasses
    import json

    for k in DRILLED:
        assert k.drill is not None
        again = Drill(**json.loads(json.dumps(dataclasses.asdict(k.drill))))
        assert dataclasses.replace(again, parts=tuple(again.parts), values=tuple(again.values)) == (
            k.drill
        )


@pytest.mark.parametrize(
    "figure,arg",
    [("tickets.status", "closed"), ("csat.score", None), ("talk.inbound.window", None)],
)
def test_a_limited_listing_is_the_first_rows_of_the_whole(frames: Frames, figure, arg) -> None:  # type: ignore[no-untyped-def]
    drill = CATALOGUE[figure].drill
    whole = listing(frames, CFG, NOW, drill, arg, FILTERS[1])
    first = listing(frames, CFG, NOW, drill, arg, FILTERS[1], limit=50)
    assert whole.height > 50 and first.equals(whole.head(50))


def test_an_agents_calls_today_are_a_catalogue_drill(frames: Frames) -> None:
    from deskwatch.kpis.catalogue import AGENT_CALLS_TODAY
    from deskwatch.kpis.windows import make_windows

    w = make_windows(CFG, NOW)
    today = frames.calls.filter(
        (pl.col("created_at") >= w.today_start) & (pl.col("created_at") <= NOW)
    )
    agent = today.get_column("agent_id").filter(today.get_column("agent_id") > 0).mode()[0]
    rows = listing(frames, CFG, NOW, AGENT_CALLS_TODAY, int(agent))
    want = today.filter(pl.col("agent_id") == agent).get_column("id").sort()
    assert rows.height > 0 and rows.get_column("id").equals(want)
