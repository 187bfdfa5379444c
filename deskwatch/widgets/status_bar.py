"""The status bar: connection state, last sync and data age, API budget, errors.

Passive: the app calls :meth:`StatusBar.update_status` with the poller's :class:`PollStatus` and
the current time; nothing here polls or computes. :func:`describe` is the pure part (tested
without a terminal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from deskwatch.live.pollstate import PollStatus, RoleInfo

RETRY_STATES = {"retrying", "rate_limited"}
COMPACT_BELOW = 110  # terminal columns under which the status line uses short words


@dataclass(frozen=True)
class StatusView:
    state: str  # short text, e.g. "● live"
    kind: str  # css modifier: live, sync, paused, warning, error, idle
    detail: str  # the rest of the line
    progress: float | None = None  # 0..1 during the first sync, else None


def fmt_span(seconds: float | None) -> str:
    """``42 s``, ``3 min``, ``1 h 05`` — coarse enough not to redraw every second."""
    if seconds is None:
        return "?"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60:02d}"


def _age(seconds: float) -> str:
    if seconds < 60:
        return f"{int(seconds // 5 * 5)} s"  # steps of 5 s: few repaints
    return fmt_span(seconds)


def describe(
    status: PollStatus, now: datetime, tz: tzinfo | None = None, *, compact: bool = False
) -> StatusView:
    """The status line for ``status`` at ``now``; ``compact`` for narrow terminals."""
    client: Any = status.client
    cstate = getattr(client, "state", None)
    failing = status.failing
    states = {s.error_state for s in failing}
    detail = _detail(status, now, tz, client, compact)
    role = status.role
    if role is not None and role.broker_down:
        return StatusView("✖ broker unreachable", "error", detail)
    if role is not None and role.silent:
        return StatusView("✖ collector silent", "warning", detail)
    if status.paused:
        return StatusView("PAUSED", "paused", detail)
    if not status.streams and status.last_error:  # the poller itself could not run
        return StatusView("✖ not polling", "error", detail)
    if "auth_failed" in states or cstate == "auth_failed":
        return StatusView("✖ auth failed", "error", detail)
    if failing and states == {"talk_unavailable"}:  # ticket figures are live; Talk is refused
        return StatusView("⚠ Talk unavailable", "warning", detail)
    retry_at = getattr(client, "retry_at", None)
    if cstate in RETRY_STATES and retry_at is not None:
        wait = (retry_at - now).total_seconds()
        return StatusView(f"⟳ retrying in {fmt_span(wait)}", "warning", detail)
    if failing and status.retry_at is not None:
        wait = (status.retry_at - now).total_seconds()
        what = "unreachable" if "unreachable" in states else "failing"
        return StatusView(f"⟳ {what}, retry in {fmt_span(wait)}", "warning", detail)
    if status.first_sync:
        fraction, eta = status.progress
        pct = f"{(fraction or 0) * 100:.0f}%"
        eta_text = f" ETA {fmt_span(eta)}" if eta is not None else ""
        return StatusView(f"⇣ first sync {pct}{eta_text}", "sync", detail, fraction or 0.0)
    if status.last_sync is None:
        return StatusView("… connecting", "idle", detail)
    return StatusView("● live", "live", detail)


def _detail(
    status: PollStatus, now: datetime, tz: tzinfo | None, client: Any, compact: bool
) -> str:
    parts = [] if status.role is None else [_role(status.role, now, tz, compact)]
    last = status.last_sync
    if status.failing:  # the failing streams' data is what is old: say how old, not the rest
        oks = [s.last_ok for s in status.failing]
        last = None if None in oks else min(o for o in oks if o is not None)
    if last is not None:
        when = last.astimezone(tz) if tz else last
        age = _age((now - last).total_seconds())
        parts.append(
            f"{when:%H:%M:%S} ({age})" if compact else f"synced {when:%H:%M:%S} ({age} ago)"
        )
    else:
        parts.append("not synced yet")
    if client is not None and getattr(client, "allowed_per_minute", None):
        used = f"{client.requests_last_minute}/{client.allowed_per_minute}"
        parts.append(f"API {used}" if compact else f"API {used}/min")
    errors = max(status.errors, getattr(client, "errors", 0) or 0)
    parts.append(f"err {errors}" if compact else f"errors {errors}")
    bad = (getattr(client, "skipped", 0) or 0) + (getattr(client, "nulled", 0) or 0)
    if bad:  # records the edge checks skipped or repaired this session (details: export, check)
        parts.append(f"bad {bad}" if compact else f"bad records {bad}")
    backfill = status.backfill
    if backfill is not None:  # the history behind today: past days' figures are partial
        fraction, eta = backfill
        pct = f"{(fraction or 0) * 100:.0f}%"
        eta_text = f" ETA {fmt_span(eta)}" if eta is not None else ""
        parts.append(f"hist {pct}" if compact else f"history {pct}{eta_text} (partial)")
    parts.append(f"poll {fmt_span(status.interval)}")
    return " · ".join(parts)


def _role(role: RoleInfo, now: datetime, tz: tzinfo | None, compact: bool) -> str:
    """``collector`` / ``viewer of pid 42 on wall-1``, and the shown data's age when in doubt."""
    if role.role == "collector":
        text = "collector" if compact else f"collector ({role.collector})"
        return text if role.via == "this host" or compact else f"{text} via {role.via}"
    text = f"viewer of {role.collector or 'no collector yet'}"
    if (role.broker_down or role.silent) and role.published_at is not None:
        when = role.published_at.astimezone(tz) if tz else role.published_at
        age = fmt_span((now - role.published_at).total_seconds())
        text += f" · data from {when:%H:%M:%S} ({age} old)"
    return text


class StatusBar(Horizontal):
    """One line, always visible at the bottom of every dashboard."""

    SCOPED_CSS = False  # the wall rule below matches an ancestor's -wall class
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
        #status-state { padding: 0 1; text-style: bold; width: auto; }
        #status-alert {
            padding: 0 1; width: auto; display: none;
            background: $error; color: $background; text-style: bold;
        }
        &.-alert #status-alert { display: block; }
        #status-progress { width: 18; display: none; }
        #status-progress Bar { width: 16; }
        #status-detail {
            padding: 0 1;
            width: 1fr;
            color: $foreground-muted;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        #status-filter {
            display: none;
            width: auto;
            max-width: 50%;
            padding: 0 1;
            background: $accent;
            color: $background;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        &.-filtered #status-filter { display: block; }
        &.-live #status-state { color: $success; }
        &.-sync #status-state { color: $accent; }
        &.-sync #status-progress { display: block; }
        &.-warning #status-state { background: $warning; color: $background; }
        &.-error #status-state { background: $error; color: $background; }
        &.-paused #status-state { background: $warning; color: $background; }
    }
    /* wall mode keeps the bar (a wall must say when data is stale or paused), plainer */
    .-wall StatusBar { background: $background; }
    """

    KINDS = ("live", "sync", "paused", "warning", "error", "idle")

    def __init__(self, *, id: str | None = "status-bar") -> None:
        super().__init__(id=id)
        self._view: StatusView | None = None

    def compose(self) -> ComposeResult:
        yield Label("… starting", id="status-state")
        yield Label("", id="status-alert", markup=False)
        yield ProgressBar(total=1.0, show_eta=False, show_percentage=False, id="status-progress")
        yield Label("", id="status-detail")
        yield Label("", id="status-filter", markup=False)

    @property
    def view(self) -> StatusView | None:
        return self._view

    def set_scope(self, scope: str) -> None:
        """Show the active filter ("group Billing · channel email"); "" hides it."""
        found = self.query("#status-filter").results(Label)
        label = next(found, None)
        if label is None:  # not composed yet
            return
        text = f"⏷ {scope}" if scope else ""
        if str(label.content) != text:
            label.update(text)
        self.set_class(bool(scope), "-filtered")

    def set_alerts(self, lines: tuple[str, ...]) -> None:
        """Show the firing rules (marker ⚑ and colour): the first one, and how many more."""
        label = next(self.query("#status-alert").results(Label), None)
        if label is None:  # not composed yet
            return
        self.set_class(bool(lines), "-alert")
        text = ""
        if lines:
            text = f"⚑ {lines[0]}" + (f" +{len(lines) - 1}" if len(lines) > 1 else "")
        if str(label.content) != text:
            label.update(text)

    def update_status(self, status: PollStatus, now: datetime, tz: tzinfo | None = None) -> None:
        """Show ``status`` as of ``now``; repaints only the parts whose text changed."""
        if not self.is_mounted or not self.children:  # not yet composed, or closing down
            return
        view = describe(status, now, tz, compact=self.size.width < COMPACT_BELOW)
        if view == self._view:
            return
        old = self._view
        self._view = view
        if old is None or old.kind != view.kind:
            for kind in self.KINDS:
                self.set_class(kind == view.kind, f"-{kind}")
        if old is None or old.state != view.state:
            self.query_one("#status-state", Label).update(view.state)
        if old is None or old.detail != view.detail:
            self.query_one("#status-detail", Label).update(view.detail)
        if view.progress is not None:
            self.query_one("#status-progress", ProgressBar).update(progress=view.progress)


class PausedBanner(Label):
    """The unmistakable banner shown while polling is paused."""

    DEFAULT_CSS = """
    PausedBanner {
        display: none;
        width: 100%;
        height: 3;
        content-align: center middle;
        text-style: bold;
        background: $warning;
        color: $background;
    }
    PausedBanner.-on { display: block; }
    """

    def __init__(
        self, text: str = "PAUSED · data is not being refreshed · press p to resume"
    ) -> None:
        super().__init__(text, id="paused-banner")

    def set_paused(self, paused: bool, text: str | None = None) -> None:
        if text is not None:
            self.update(text)
        self.set_class(paused, "-on")
