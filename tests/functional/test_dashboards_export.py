"""Every number on the KPI and Talk dashboards equals what ``deskwatch export`` writes.

A small simulated account is synced over loopback HTTP by the production source (client, cache,
KPI engine); the one snapshot it computes is rendered by the export's JSON renderer and shown on
the screens. Each figure is found by its catalogue id: the export value is read at the id's path
in the JSON, the screen's text is read from the widget the screen gives that id, and the two
must agree (parsed back to a number, to the precision shown).
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskwatch.commands.export import render
from deskwatch.config import load_config
from deskwatch.format import fmt_minutes, fmt_ratio, fmt_seconds
from deskwatch.kpis import catalogue as k
from deskwatch.live.dashboard import DashboardData
from deskwatch.live.source import LiveSource
from deskwatch.screens.kpi import BARS, KpiScreen, dom_id
from deskwatch.views import kpi as kpi_view
from deskwatch.widgets.bar_list import BarList
from deskwatch.widgets.kpi_tile import KpiTile
from deskwatch.widgets.trend_panel import TrendPanel
from tests.functional.snapshot_apps.dash_app import DashApp

SIM = dict(
    seed=5, speed=0, history_days=40, tickets=800, calls=300, agents=10, live=False,
    incremental_limit=100_000, account_limit=100_000,  # the client goes as fast as it may
)  # fmt: skip


def at(doc: dict[str, Any], kpi_id: str) -> Any:
    value: Any = doc
    for key in kpi_id.split("."):
        value = None if value is None else value[key]
    return value


def number(text: str) -> float:
    """The first number in ``text`` ("2.8%" -> 2.8, "1,500/4,102" -> 1500)."""
    found = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    assert found, text
    return float(found.group().replace(",", ""))


def shows(text: str, value: float, what: str) -> None:
    """``text`` shows ``value`` rounded to the decimals it shows."""
    found = re.search(r"-?\d[\d,]*(?:\.(\d+))?", text)
    assert found, (what, text)
    decimals = len(found.group(1) or "")
    shown = float(found.group().replace(",", ""))
    assert abs(shown - value) <= 0.5 * 10**-decimals + 1e-9, (what, text, value)


@pytest.fixture(scope="module")
def synced(
    _module_sim: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DashboardData, dict]:
    tmp = tmp_path_factory.mktemp("dash")
    path = tmp / "deskwatch.toml"
    path.write_text(
        _module_sim.config_toml()
        + '\n[account]\ntimezone = "Europe/Berlin"\n\n[cost]\nmonthly_support_cost = 25000\n'
    )
    path.chmod(0o600)
    cfg = load_config(path, {})

    async def sync() -> Any:
        source = LiveSource(cfg, Path(tmp / "state"))
        await source.open()
        try:
            for stream in source.streams():
                await source.sync(stream, lambda progress: None)
            return await source.compute(datetime.now(UTC))
        finally:
            await source.aclose()

    snapshot = asyncio.run(sync())
    exported = json.loads(render(snapshot, "json"))
    now = datetime.fromisoformat(exported["now"])
    return DashboardData(cfg, now, snapshot), exported


async def test_kpi_screen_numbers_equal_the_export(synced: tuple[DashboardData, dict]) -> None:
    data, doc = synced
    assert doc["tickets"]["created"]["window"] > 0 and doc["csat"]["good"] > 0
    app = DashApp(KpiScreen, data)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        for figure in kpi_view.TILES:
            shown = screen.query_one(f"#{dom_id(figure.id)}", KpiTile)
            value = at(doc, figure.id)
            if isinstance(value, dict):  # reopened, one-touch: the rate, then count/of
                count, whole = list(value.values())[:2]
                assert shown.delta_text == f"{count:,}/{whole:,}", figure.id
                value = value["rate"]
            shows(shown.value_text, value * 100 if figure.unit == "ratio" else value, figure.id)
        for figure_id in BARS:
            lines = screen.query_one(f"#{dom_id(figure_id)}", BarList).lines_text
            exported = at(doc, figure_id)
            names = {"on hold": "hold", "no type": "none"}
            shown_counts = {}
            for line in lines:
                label = re.match(r"[a-z][a-z ]*[a-z]", line.strip())
                assert label, line
                name = names.get(label.group(), label.group().replace(" ", "_"))
                shown_counts[name] = int(line.split()[-1].replace(",", ""))
            assert shown_counts == exported, figure_id
        reopened = doc["tickets"]["reopened"]
        assert screen.query_one("#kpi-reopened").content.startswith(  # type: ignore[attr-defined]
            f"{reopened['count']:,} of {reopened['of_created']:,} tickets reopened"
        )
        first = screen.query_one(f"#{dom_id(k.FIRST_REPLY_MINUTES.id)}", TrendPanel)
        median = doc["tickets"]["first_reply_minutes"]["window"]["median"]
        assert first.summary_text.startswith(f"median {fmt_minutes(median)}")
        backlog = screen.query_one(f"#{dom_id(k.BACKLOG_DAILY.id)}", TrendPanel)
        assert number(backlog.summary_text) == doc["tickets"]["backlog_daily"][-1]["unsolved"]
        csat = screen.query_one(f"#{dom_id(k.CSAT_DAILY.id)}", TrendPanel).summary_text
        today, good, bad = doc["csat"]["today"]["score"], doc["csat"]["good"], doc["csat"]["bad"]
        days, score = doc["window"]["days"], doc["csat"]["score"]
        assert csat == (
            f"today {fmt_ratio(today)} · {days} d: {fmt_ratio(score)} of {good + bad:,} "
            f"({good:,} good, {bad:,} bad)"
        )


async def test_talk_screen_numbers_equal_the_export(synced: tuple[DashboardData, dict]) -> None:
    from deskwatch.kpis import catalogue_talk as t
    from deskwatch.screens.talk import TalkScreen
    from deskwatch.screens.talk import dom_id as talk_id
    from deskwatch.views import talk as talk_view
    from deskwatch.widgets.figure_table import FigureTable

    data, doc = synced
    assert doc["talk"]["inbound"]["window"] > 0 and doc["talk"]["top_agents"]
    app = DashApp(TalkScreen, data)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        for figure in talk_view.LIVE:
            if figure.id.startswith("ops."):
                continue  # agents available / on a call: not in the export (see views.talk)
            shown = screen.query_one(f"#{talk_id(figure.id)}", KpiTile).value_text
            value = at(doc, figure.id)
            if value is None:
                assert shown == "—", figure.id
            elif figure.unit == "seconds":
                assert shown == fmt_seconds(value), figure.id
            else:
                shows(shown, value * 100 if figure.unit == "ratio" else value, figure.id)
        lines = screen.query_one(f"#{talk_id(t.UNSUCCESSFUL_TODAY.id)}", BarList).lines_text
        today = at(doc, t.UNSUCCESSFUL_TODAY.id)
        assert [int(line.split()[-1]) for line in lines] == [
            today[key] for key, _ in talk_view.REASONS
        ]
        table = screen.query_one("#talk-efficiency-table", FigureTable).lines_text[1:]
        for line, (_, today_kpi, window_kpi) in zip(table, talk_view.EFFICIENCY, strict=True):
            assert fmt_seconds(at(doc, today_kpi.id)) in line, today_kpi.id
            assert fmt_seconds(at(doc, window_kpi.id)) in line, window_kpi.id
        agents = screen.query_one(f"#{talk_id(t.TOP_AGENTS.id)}", FigureTable).lines_text[1:]
        for line, agent in zip(agents, at(doc, t.TOP_AGENTS.id), strict=True):
            cells = line.split()
            assert f"{agent['calls_accepted']:,}" in cells, line
            assert line.rstrip().endswith(fmt_seconds(agent["talk_time_seconds_mean"]))
