"""Fixtures every test gets: a clean, pinned environment, and the one shared simulator fixture.

Autouse: a developer's own ``ZENDESK_*``/``DESKWATCH_*`` account settings and ``NO_COLOR``,
``FORCE_COLOR`` and ``TEXTUAL`` (devtools/debug switches) never reach a test (a test that
wants one sets it with ``monkeypatch``); the process runs in UTC; platformdirs' config and
state dirs point into the test's temporary directory, so no test reads the developer's config
file or writes to their state dir. Subprocesses started by a test inherit all of this.

``sim``: a module sets ``SIM = {...}`` (``start_simulator``'s options) and gets one simulator
for the whole module, or one per test with ``SIM_PER_TEST = True`` (for tests that change its
faults or clock).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from deskwatch.sim import SimHandle, start_simulator

CLEARED_PREFIXES = ("ZENDESK_", "DESKWATCH_")
CLEARED = ("NO_COLOR", "FORCE_COLOR", "TEXTUAL")  # not TEXTUAL_*: the snapshot plugin's own

# CI runs the property tests with a fixed sequence of examples (reproducible failures there);
# locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(CLEARED_PREFIXES) or name in CLEARED:
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def _module_sim(request: pytest.FixtureRequest) -> Iterator[SimHandle | None]:
    if getattr(request.module, "SIM_PER_TEST", False):
        yield None
        return
    handle = start_simulator(**getattr(request.module, "SIM", {}))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def sim(request: pytest.FixtureRequest, _module_sim: SimHandle | None) -> Iterator[SimHandle]:
    """The simulator the test module asks for with ``SIM`` (see the module docstring)."""
    if _module_sim is not None:
        yield _module_sim
        return
    handle = start_simulator(**getattr(request.module, "SIM", {}))
    try:
        yield handle
    finally:
        handle.stop()
