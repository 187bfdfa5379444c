"""``deskwatch export --group/--brand/--channel`` against the simulator (KPIS.md "Filters").

The filtered export must equal the unfiltered export of an account holding only the kept
tickets and their ratings: that second account is the first one's cache with every other
ticket (and rating) left out, exported with ``--no-sync``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from deskwatch.store import STREAMS, Cache
from tests.functional.test_export_sim import config, export  # noqa: F401

SIM = dict(
    seed=5,
    speed=0,
    history_days=40,
    tickets=800,
    calls=100,
    agents=6,
    incremental_limit=100_000,  # the client goes as fast as the simulator allows
    account_limit=100_000,
    live=False,
)
NOW = "2026-11-20T15:00:00+01:00"


@pytest.fixture
def synced(config: Path, tmp_path: Path) -> Path:  # noqa: F811
    state = tmp_path / "state"
    done = export(config, state, "--now", NOW)
    assert done.returncode == 0, done.stderr.decode()
    return state


def doc(config: Path, state: Path, *args: str) -> dict[str, Any]:  # noqa: F811
    done = export(config, state, "--no-sync", "--now", NOW, *args)
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_filtered_export_is_the_export_of_an_account_of_the_kept_tickets(
    config: Path,  # noqa: F811
    synced: Path,
    tmp_path: Path,
) -> None:
    cache = Cache.load(synced)
    groups = dict(cache.frames.groups.select("name", "id").iter_rows())
    brands = dict(cache.frames.brands.select("name", "id").iter_rows())
    assert len(brands) == 2
    filtered = doc(
        config, synced, "--group", "Billing", "--group", str(groups["Support"]),
        "--brand", "acme pro", "--channel", "email", "--channel", "web",
    )  # fmt: skip
    assert filtered["filters"] == {
        "groups": sorted([groups["Billing"], groups["Support"]]),
        "brands": [brands["Acme Pro"]],
        "channels": ["email", "web"],
    }
    # the second account: the first one's cache with only the kept tickets and their ratings
    t = cache.frames.tickets
    kept = t.filter(
        pl.col("group_id").is_in([groups["Billing"], groups["Support"]])
        & (pl.col("brand_id") == brands["Acme Pro"])
        & pl.col("channel").is_in(["email", "web"])
    )
    assert 0 < kept.height < t.height
    only = Cache()
    for stream in STREAMS:
        only.replace_frame(stream, cache.frames.get(stream))
    only.replace_frame("tickets", kept)
    ratings = cache.frames.ratings
    only.replace_frame("ratings", ratings.filter(pl.col("ticket_id").is_in(kept["id"].implode())))
    other = tmp_path / "only-kept"
    only.persist(other)
    plain = doc(config, other)
    assert plain.pop("filters") is None and filtered.pop("filters") is not None
    assert plain == filtered
    everything = doc(config, synced)
    assert everything["tickets"]["created"]["window"] > filtered["tickets"]["created"]["window"]
    # Talk figures stay account-wide
    assert everything["talk"] == filtered["talk"]


def test_unknown_names_are_one_line_with_a_suggestion(config: Path, synced: Path) -> None:  # noqa: F811
    done = export(config, synced, "--no-sync", "--group", "Biling")
    assert done.returncode == 2
    err = done.stderr.decode().strip()
    assert err.count("\n") == 0 and 'unknown group "Biling"; did you mean "Billing"?' in err
    done = export(config, synced, "--no-sync", "--brand", "Acme Prof")
    assert done.returncode == 2 and 'did you mean "Acme Pro"?' in done.stderr.decode()
