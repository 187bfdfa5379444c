"""The export's progress line lists the streams still syncing (they run concurrently)."""

from __future__ import annotations

import pytest

from deskwatch.commands.export import Progress
from deskwatch.zendesk import Batch, SyncProgress


def last_line(err: str) -> str:
    return err.split("\r\x1b[2K")[-1]


def test_line_lists_running_streams_and_drops_finished_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = Progress(enabled=True)
    rows = [{"id": i} for i in range(1000)]
    progress("tickets", Batch("tickets", rows, "c", False, SyncProgress(1000, 1, 0.25, 9.0)))
    progress("calls", Batch("calls", rows[:300], "c", False, None))
    assert last_line(capsys.readouterr().err) == "syncing tickets 1,000 25%, calls 300"
    progress("tickets", Batch("tickets", rows, "c", False, SyncProgress(2000, 2, 0.5, 3.0)))
    progress("calls", Batch("calls", [], "c", True, None))
    assert last_line(capsys.readouterr().err) == "syncing tickets 2,000 50%"
    progress.done()
    assert capsys.readouterr().err == "\r\x1b[2K"


def test_nothing_is_written_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = Progress(enabled=False)
    progress("tickets", Batch("tickets", [{"id": 1}], "c", False, None))
    progress.done()
    assert capsys.readouterr().err == ""
