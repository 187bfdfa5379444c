"""``deskwatch export`` end to end against the simulator over loopback HTTP.

Validates the JSON key set and value types against KPIS.md, the resume from the cache, the
other formats, and the exit codes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

NUM = (int, float)
STATS = {"count", "mean", "median", "p90"}
OUT = {"exceeded_wait", "voicemail", "abandoned", "not_answered"}
EFF = {
    "time_to_answer_seconds_mean",
    "talk_time_seconds_mean",
    "hold_time_seconds_mean",
    "wrap_up_time_seconds_mean",
    "wait_time_seconds_mean",
    "leg_talk_time_seconds_mean",
}
AGENT = {
    "agent_id",
    "name",
    "solved",
    "first_reply_minutes_median",
    "full_resolution_minutes_mean",
    "csat_good",
    "csat_bad",
    "csat_score",
    "one_touch_rate",
    "calls_accepted",
    "talk_time_seconds_mean",
}


SIM = dict(
    seed=11,
    speed=0,
    history_days=40,
    tickets=600,
    calls=200,
    agents=8,
    incremental_limit=100_000,  # the client goes as fast as the simulator allows
    account_limit=100_000,
    live=False,
)


@pytest.fixture
def config(sim: Any, tmp_path: Path) -> Path:
    path = tmp_path / "deskwatch.toml"
    path.write_text(sim.config_toml() + '\n[account]\ntimezone = "Europe/Berlin"\n')
    path.chmod(0o600)
    return path


def export(config: Path, state: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "deskwatch",
            "export",
            "--config",
            str(config),
            "--state-dir",
            str(state),
            *args,
        ],
        capture_output=True,
        timeout=240,
        env={**os.environ, "DESKWATCH_CONFIG": ""},
    )


def is_num_or_null(v: Any) -> bool:
    return v is None or (isinstance(v, NUM) and not isinstance(v, bool))


def check_stats(s: dict[str, Any], daily: bool = False) -> None:
    assert set(s) == STATS | ({"date"} if daily else set())
    assert isinstance(s["count"], int)
    assert all(is_num_or_null(s[k]) for k in ("mean", "median", "p90"))


def check_contract(doc: dict[str, Any]) -> None:
    assert list(doc) == [
        "schema",
        "now",
        "timezone",
        "time_basis",
        "window",
        "tickets",
        "csat",
        "agents",
        "talk",
        "filters",
        "typical",
        "projection",
    ]
    for series in ("created", "solved", "inbound_calls"):
        typical, projection = doc["typical"][series], doc["projection"][series]
        assert set(typical) == {"so_far", "full_day", "n"} and isinstance(typical["n"], int)
        for part in ("so_far", "full_day"):
            assert set(typical[part]) == {"median", "p25", "p75"}
            assert all(is_num_or_null(v) for v in typical[part].values())
        assert (
            projection is None or projection["low"] <= projection["expected"] <= projection["high"]
        )
    assert doc["schema"] == "deskwatch.kpis/2" and doc["timezone"] == "Europe/Berlin"
    assert doc["now"].startswith("2026-") or doc["now"][4] == "-"
    assert doc["time_basis"] in ("calendar", "business")
    assert set(doc["window"]) == {"days", "start", "end"} and doc["window"]["days"] == 30
    t = doc["tickets"]
    assert set(t) == {
        "status",
        "unsolved",
        "unassigned",
        "escalated",
        "created",
        "solved",
        "first_reply_minutes",
        "full_resolution_minutes",
        "reopened",
        "one_touch",
        "by_type",
        "by_channel",
        "backlog_daily",
        "cost_per_ticket",
    }
    assert t["cost_per_ticket"] is None  # no cost.monthly_support_cost in this config
    assert set(t["status"]) == {"new", "open", "pending", "hold", "solved", "closed"}
    assert all(isinstance(v, int) for v in t["status"].values())
    for key in ("created", "solved"):
        assert set(t[key]) == {"today", "yesterday_same_time", "window"}
    for key in ("first_reply_minutes", "full_resolution_minutes"):
        assert set(t[key]) == {"today", "yesterday", "month_to_date", "window", "daily"}
        for r in ("today", "yesterday", "month_to_date", "window"):
            check_stats(t[key][r])
        assert len(t[key]["daily"]) == 30
        for d in t[key]["daily"]:
            check_stats(d, daily=True)
    assert set(t["reopened"]) == {"count", "of_created", "rate"}
    assert set(t["one_touch"]) == {"count", "of_solved", "rate"}
    assert set(t["by_type"]) == {"question", "incident", "problem", "task", "none"}
    assert all(isinstance(v, int) for v in t["by_channel"].values())
    assert [set(b) for b in t["backlog_daily"]] == [{"date", "unsolved"}] * 30
    c = doc["csat"]
    assert set(c) == {"good", "bad", "score", "today", "daily"}
    assert set(c["today"]) == {"good", "bad", "score"}
    assert [set(d) for d in c["daily"]] == [{"date", "good", "bad", "score"}] * 30
    for a in doc["agents"]:
        assert set(a) == AGENT and isinstance(a["agent_id"], int)
    talk = doc["talk"]
    assert set(talk) == {
        "queue",
        "inbound",
        "answered",
        "unsuccessful",
        "efficiency",
        "top_agents",
        "quality_daily",
        "utilization_today",
    }
    assert is_num_or_null(talk["utilization_today"])
    assert talk["queue"] is None or set(talk["queue"]) == {
        "agents_online",
        "calls_waiting",
        "callbacks_waiting",
        "embeddable_callbacks_waiting",
        "average_wait_time",
        "longest_wait_time",
    }
    assert set(talk["unsuccessful"]["today"]) == OUT
    assert [set(d) for d in talk["unsuccessful"]["daily"]] == [OUT | {"date"}] * 30
    assert set(talk["efficiency"]["today"]) == EFF
    assert all(is_num_or_null(v) for v in talk["efficiency"]["window"].values())
    assert len(talk["top_agents"]) <= 8
    for q in talk["quality_daily"]:
        assert set(q) == {"date", "calls", "with_issues", "rate"}


def test_export_contract_resume_and_formats(config: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = export(config, state)
    assert first.returncode == 0, first.stderr.decode()
    assert first.stderr == b""  # no progress line: stderr is not a terminal
    doc = json.loads(first.stdout)
    check_contract(doc)
    assert sum(doc["tickets"]["status"].values()) > 0
    assert doc["tickets"]["created"]["window"] > 0
    manifest = json.loads((state / "manifest.json").read_text())
    assert manifest["streams"]["tickets"]["cursor"]

    # formats, from the cache as it is (no sync)
    csv_run = export(config, state, "--format", "csv", "--no-sync", "--now", doc["now"])
    assert csv_run.returncode == 0, csv_run.stderr.decode()
    lines = csv_run.stdout.decode().splitlines()
    assert lines[0] == "key,value" and f"now,{doc['now']}" in lines
    status_open = doc["tickets"]["status"]["open"]
    assert f"tickets.status.open,{status_open}" in lines
    assert any(line.startswith("tickets.backlog_daily[29].unsolved,") for line in lines)
    out = tmp_path / "daily.parquet"
    pq = export(config, state, "--format", "parquet", "--output", str(out), "--no-sync")
    assert pq.returncode == 0, pq.stderr.decode()
    table = pl.read_parquet(out)
    assert table.columns == ["series", "date", "field", "value"]
    assert "tickets.first_reply_minutes.daily" in set(table["series"].to_list())

    # usage errors: exit 2, one line
    bad = export(config, state, "--now", "yesterday")
    assert bad.returncode == 2 and bad.stderr.decode().count("\n") == 1
    assert b"--now" in bad.stderr
    assert export(config, state, "--format", "xml").returncode == 2

    # resume from the cursors (Talk off keeps this run short): nothing doubled
    no_talk = config.with_name("no-talk.toml")
    no_talk.write_text(config.read_text() + "\n[talk]\nenabled = false\n")
    no_talk.chmod(0o600)
    second = export(no_talk, state, "--now", doc["now"])
    assert second.returncode == 0, second.stderr.decode()
    again = json.loads(second.stdout)
    assert again["tickets"]["status"] == doc["tickets"]["status"]
    assert again["talk"] is None


@pytest.mark.slow  # the client backs off for ~40 s before giving up on a dead server
def test_export_unreachable_server_fails_in_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[zendesk]\nurl = "http://127.0.0.1:9"\n[zendesk.auth]\nmethod = "oauth"\n'
        'access_token = "x"\n'
    )
    cfg.chmod(0o600)
    run = export(cfg, tmp_path / "state")
    assert run.returncode == 1
    assert run.stderr.decode().strip().count("\n") == 0 and run.stderr.startswith(b"deskwatch: ")
