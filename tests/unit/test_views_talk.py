"""The Talk dashboard's view, without a terminal: live tiles and their age, unsuccessful calls,
efficiency against targets, top agents, quality, and the calm off panel."""

from __future__ import annotations

from deskwatch.kpis import catalogue as k
from deskwatch.views.talk import FIGURES, OFF_IN_CONFIG, OFF_ON_ACCOUNT, view
from tests.functional.snapshot_apps.dash_fixture import make_data


def _view(**kw):  # type: ignore[no-untyped-def]
    unavailable = kw.pop("unavailable", frozenset())
    data = make_data(**kw)
    return view(data.snapshot, data.cfg, data.now, unavailable=unavailable)


def test_live_age_from_the_last_successful_polls() -> None:
    from datetime import timedelta

    from deskwatch.views.talk import live_age

    now = make_data().now
    ages = {"queue": now - timedelta(seconds=7), "agents_activity": now - timedelta(seconds=75)}
    assert live_age(ages, now) == "Live · queue 7s ago · agents 1m 15s ago"
    assert live_age({}, now) == "Live · queue not yet · agents not yet"


def test_live_tiles() -> None:
    v = _view()
    assert v.off == ""
    shown = {t.label: (t.value, t.versus, t.verdict) for t in v.live}
    assert shown == {
        "Calls waiting": ("3", "", "neutral"),
        "Callbacks waiting": ("1", "", "neutral"),
        # targets.wait_seconds = 45 in the fixture: 185 s is over, 42 s under
        "Longest wait": ("3m 05s", "target 45s", "bad"),
        "Average wait": ("42s", "target 45s", "good"),
        "Agents online": ("14", "", "neutral"),
        "Available": ("5", "", "neutral"),
        "On a call": ("8", "", "neutral"),
        "Utilization today": ("73%", "", "neutral"),
    }


def test_unsuccessful_calls_today_and_by_day() -> None:
    v = _view()
    assert v.calls_today == "today 312 inbound · 281 answered"
    assert [(b.label, b.value) for b in v.unsuccessful_today] == [
        ("exceeded wait", 4),
        ("voicemail", 9),
        ("abandoned", 15),
        ("not answered", 3),
    ]
    stack = v.unsuccessful_daily
    assert len(stack.dates) == 30 and stack.labels[0] == "exceeded wait"
    assert [s[1] for s in stack.series] == [1, 2, 5, 1]  # day 1: i=1 in the fixture's _out


def test_calls_are_account_wide_while_a_ticket_filter_is_on() -> None:
    from dataclasses import replace

    from deskwatch.kpis.snapshot import Filters

    data = make_data()
    filtered = replace(data.snapshot, filters=Filters(groups=(1,), brands=(), channels=()))
    line = view(filtered, data.cfg, data.now).calls_today
    assert line == "today 312 inbound · 281 answered · account-wide"


def test_efficiency_today_and_window_against_targets() -> None:
    rows = {r.label: r for r in _view().efficiency}
    # answer target 30 s: 24.5 s today is on target, 33.1 s over the window is not
    answer = rows["To answer"]
    assert (answer.today, answer.window, answer.target) == ("25s", "33s", "30s")
    assert (answer.today_verdict, answer.window_verdict) == ("good", "bad")
    # no target for talk and hold (0 = none): uncoloured, target shown as ""
    assert (rows["Talk"].target, rows["Talk"].today_verdict) == ("", "neutral")
    assert (rows["Hold"].target, rows["Hold"].window_verdict) == ("", "neutral")
    assert (rows["Wrap-up"].today, rows["Wrap-up"].today_verdict) == ("1m 01s", "bad")
    assert rows["Leg talk"].window == "4m 11s"


def test_top_agents_and_quality() -> None:
    v = _view()
    assert [a.name for a in v.top_agents][:2] == ["Ana Lima", "Bo Chen"]
    first = v.top_agents[0]
    assert (first.calls, first.talk_total, first.talk_mean) == ("212", "17h 45m", "5m 02s")
    # today: 329 calls, 3 + 29 % 9 = 5 with issues -> 98.5 % -> "98%" (target 98 %: good)
    assert v.quality.summary == "today 98% of 329 calls"
    assert v.quality.verdict == "good" and v.quality.target == 0.98


def test_off_in_the_config_or_refused_by_the_account_is_a_calm_panel() -> None:
    off = _view(talk=False)
    assert off.off == OFF_IN_CONFIG and "enabled = true" in off.off
    refused = _view(unavailable=frozenset({"calls", "queue"}))
    assert refused.off == OFF_ON_ACCOUNT and "403" in refused.off
    # a refused non-Talk stream is not Talk being off
    assert _view(unavailable=frozenset({"tickets"})).off == ""


def test_nothing_computed_yet() -> None:
    v = _view(empty=True)
    assert v.off == ""
    assert all(t.value == "—" for t in v.live)
    assert v.top_agents == () and v.quality.values == ()


def test_every_figure_is_declared_in_the_catalogue() -> None:
    assert all(k.CATALOGUE[f.id] is f for f in FIGURES)
    assert len({f.label for f in FIGURES}) == len(FIGURES)
