"""The status line text for each connection state (pure: no terminal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskwatch.live.pollstate import PollStatus, StreamState
from deskwatch.widgets.status_bar import describe, fmt_span

NOW = datetime(2026, 11, 23, 14, 5, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Client:
    state: str = "ok"
    retry_at: datetime | None = None
    requests_last_minute: int = 12
    allowed_per_minute: int = 175
    errors: int = 0


def live(**kw: object) -> PollStatus:
    stream = StreamState("tickets", 60, synced=True, last_ok=NOW - timedelta(seconds=17))
    base = PollStatus(streams=(stream,), last_sync=stream.last_ok, client=Client())
    return PollStatus(**{**base.__dict__, **kw})


def test_live_line_in_the_account_time_zone() -> None:
    view = describe(live(), NOW, ZoneInfo("Europe/Paris"))
    assert view.state == "● live"
    assert view.kind == "live"
    assert view.detail == "synced 15:05:13 (15 s ago) · API 12/175/min · errors 0 · poll 10 s"


def test_compact_line_for_narrow_terminals() -> None:
    view = describe(live(), NOW, compact=True)
    assert view.detail == "14:05:13 (15 s) · API 12/175 · err 0 · poll 10 s"


def test_paused_wins_over_everything() -> None:
    client = Client(state="auth_failed")
    assert describe(live(paused=True, client=client), NOW).state == "PAUSED"


def test_retrying_counts_down_to_the_client_retry_time() -> None:
    client = Client(state="rate_limited", retry_at=NOW + timedelta(seconds=75))
    view = describe(live(client=client), NOW)
    assert (view.state, view.kind) == ("⟳ retrying in 1 min", "warning")


def test_first_sync_shows_progress_and_eta() -> None:
    cold = (
        StreamState("tickets", 60, first_sync=True, fraction=0.5, eta_seconds=40),
        StreamState("users", 900, first_sync=True, fraction=0.25, eta_seconds=10),
        StreamState("groups", 900, first_sync=True, synced=True),
    )
    view = describe(PollStatus(streams=cold), NOW)
    # groups, done, counts as whole: a stream finishing never pulls the bar back
    assert view.state == "⇣ first sync 58% ETA 40 s"
    assert view.progress == 1.75 / 3
    assert view.detail.startswith("not synced yet")


def test_a_failing_stream_shows_when_it_is_retried_and_the_errors() -> None:
    bad = StreamState("tickets", 60, failures=2, error="x", error_state="unreachable")
    view = describe(live(streams=(bad,), retry_at=NOW + timedelta(seconds=42), errors=3), NOW)
    assert view.state == "⟳ unreachable, retry in 42 s"
    assert "errors 3" in view.detail


def test_spans() -> None:
    assert [fmt_span(s) for s in (0, 59.4, 60, 3599, 3600, 5400)] == [
        "0 s",
        "59 s",
        "1 min",
        "59 min",
        "1 h 00",
        "1 h 30",
    ]


@dataclass(frozen=True)
class BadClient(Client):
    skipped: int = 7
    nulled: int = 4


def test_bad_records_are_counted_on_the_line() -> None:
    assert "bad records 11" in describe(live(client=BadClient()), NOW).detail
    assert "bad 11" in describe(live(client=BadClient()), NOW, compact=True).detail
    assert "bad" not in describe(live(), NOW).detail


def test_while_failing_the_age_is_the_failing_streams_not_synced_0_s_ago() -> None:
    fresh = StreamState("queue", 10, synced=True, last_ok=NOW)
    stale = StreamState(
        "tickets", 60, synced=True, last_ok=NOW - timedelta(minutes=10), failures=3,
        error="rejected", error_state="auth_failed",
    )  # fmt: skip
    view = describe(PollStatus(streams=(fresh, stale), last_sync=NOW), NOW)
    assert view.state == "✖ auth failed"
    assert "(10 min ago)" in view.detail and "(0 s ago)" not in view.detail
    never = StreamState("calls", 60, failures=1, error="down", error_state="unreachable")
    view = describe(PollStatus(streams=(fresh, never), last_sync=NOW), NOW)
    assert view.detail.startswith("not synced yet")
