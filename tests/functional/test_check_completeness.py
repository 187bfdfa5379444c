"""``deskwatch check`` compares the cache with Zendesk's totals (real loopback HTTP).

Ratings: Zendesk's count covers the whole account, so it is compared only when the account has
no rating before ``sync.history_days`` (asked with an ``end_time`` filter); a cache missing
ratings gets a warning naming what to do; a longer history than the cache's is shown, not
compared. Tickets and Talk are shown with why they are not compared.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from deskwatch.cli import main
from deskwatch.store import Cache
from deskwatch.zendesk import ZendeskClient

FAST = {"incremental_limit": 1_000_000, "account_limit": 1_000_000}
SIM = dict(seed=4, speed=0, history_days=20, tickets=400, calls=60, agents=6, live=False, **FAST)


def write_config(sim: Any, tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "deskwatch.toml"
    path.write_text(sim.config_toml() + extra)
    path.chmod(0o600)
    return path


def run(capfd: Any, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out + err


@pytest.fixture
def fast_export(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "deskwatch.zendesk.ZendeskClient",
        functools.partial(ZendeskClient, incremental_per_minute=1e6),
    )


def ratings_line(out: str) -> str:
    found = [line for line in out.splitlines() if " ratings: " in f" {line[2:]}"]
    assert len(found) == 1, out
    return found[0]


def test_check_compares_ratings_with_zendesk_and_warns_about_missing_ones(
    sim: Any, tmp_path: Path, capfd: Any, fast_export: None
) -> None:
    config, state = write_config(sim, tmp_path), tmp_path / "state"
    common = ["--config", str(config), "--state-dir", str(state)]
    code, out = run(capfd, "check", *common)
    assert code == 0 and "· completeness: no cache in" in out
    assert run(capfd, "export", *common, "--output", str(tmp_path / "k.json"))[0] == 0
    total = len(sim.sim.account.ratings)
    assert total > 50

    code, out = run(capfd, "check", *common)
    assert code == 0, out
    line = ratings_line(out)
    assert line.startswith(f"✓ ratings: {total:,} in cache, Zendesk reports {total:,}"), line
    assert "the whole account: no rating before" in line
    assert re.search(r"^· tickets: \d+ in cache .*not compared$", out, re.M), out
    assert "· calls, legs: Zendesk reports no total" in out

    # ratings the cache lacks (as if lost): a warning with the gap and what to do
    cache = Cache.load(state)
    ratings = cache.frames.get("ratings")
    cache.replace_frame("ratings", ratings.filter(pl.col("id") % 10 != 3))
    lost = ratings.height - cache.frames.get("ratings").height
    assert lost > 0
    cache.persist(state)
    code, out = run(capfd, "check", *common)
    assert code == 0, out  # a warning, not a failed check
    line = ratings_line(out)
    assert line.startswith(f"! ratings: {total - lost:,} in cache, Zendesk reports {total:,}")
    assert f"{lost:,} missing from the cache" in line
    assert "let deskwatch sync" in line and "re-sync the ratings" in line


def test_check_does_not_compare_ratings_when_the_account_is_older_than_the_cache(
    sim: Any, tmp_path: Path, capfd: Any, fast_export: None
) -> None:
    extra = "\n[sync]\nhistory_days = 7\n[kpis]\nwindow_days = 7\n"
    config, state = write_config(sim, tmp_path, extra), tmp_path / "state"
    assert tomllib.loads(config.read_text())["sync"]["history_days"] == 7
    common = ["--config", str(config), "--state-dir", str(state)]
    assert run(capfd, "export", *common, "--output", str(tmp_path / "k.json"))[0] == 0
    code, out = run(capfd, "check", *common)
    assert code == 0, out
    line = ratings_line(out)
    held = Cache.load(state).frames.get("ratings").height
    assert 0 < held < len(sim.sim.account.ratings)
    assert line.startswith(f"· ratings: {held:,} in cache (since "), line
    assert f"Zendesk reports {len(sim.sim.account.ratings):,} in the whole account" in line
    assert line.endswith("not the same range, not compared")
