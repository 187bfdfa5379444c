"""Shared functional-test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture()
def client(sim) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    """A plain httpx client signed in to the module's ``sim`` fixture (a SimHandle)."""
    headers = {"Authorization": f"Bearer {sim.access_token}"}
    with httpx.Client(base_url=sim.url, headers=headers, timeout=10) as c:
        yield c
