"""``deskwatch export``: sync every stream until caught up, then write the KPI snapshot.

Resumes from the cache in the state dir and persists it again (also when the sync fails, so
nothing fetched is lost). JSON is the KPIS.md contract; CSV is the same flattened to
``key,value`` rows; Parquet holds the daily series as one long table (series, date, field,
value). A progress line goes to stderr only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import shutil
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskwatch.config import Config, ConfigError, load_config
from deskwatch.config.text import clean, quote
from deskwatch.errors import DeskwatchError
from deskwatch.kpis import KpiSnapshot, compute_snapshot
from deskwatch.kpis.filters import FilterError, TicketFilter, resolve
from deskwatch.kpis.flatten import daily_table, flatten
from deskwatch.live.checkpoint import Checkpoints
from deskwatch.live.sync import sync_all
from deskwatch.store import Cache, Frames

FORMATS = ("json", "csv", "parquet")


class ExportError(DeskwatchError):
    exit_code = 1


class UsageError(DeskwatchError):
    exit_code = 2


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="sync until caught up and write the KPI snapshot (JSON, CSV or Parquet)",
        description="Sync every stream until caught up (resuming from the cache), compute the "
        "KPI snapshot at --now and write it to stdout or --output.",
    )
    parser.add_argument("--format", choices=FORMATS, default="json", help="default: json")
    parser.add_argument(
        "--now",
        metavar="ISO8601",
        help="compute the snapshot at this instant (e.g. 2026-11-23T14:05:00+01:00; "
        "without an offset: account local time); default: the current time",
    )
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="default: stdout")
    parser.add_argument(
        "--no-sync", action="store_true", help="do not contact Zendesk; use the cache as it is"
    )
    for flag, what in (("--group", "group"), ("--brand", "brand")):
        parser.add_argument(
            flag,
            action="append",
            metavar="NAME|ID",
            dest=f"{what}s",
            help=f"only tickets of this {what} (repeatable: any of them; replaces "
            f"filters.{what}s of the config)",
        )
    parser.add_argument(
        "--channel",
        action="append",
        metavar="NAME",
        dest="channels",
        help="only tickets that came by this channel, e.g. email (repeatable; replaces "
        "filters.channels)",
    )
    parser.set_defaults(handler=run)


def filter_terms(args: argparse.Namespace, cfg: Config) -> tuple[list[Any], list[Any], list[str]]:
    """The groups, brands and channels asked for: a flag replaces that config key."""
    f = cfg.filters
    groups = getattr(args, "groups", None)
    brands = getattr(args, "brands", None)
    channels = getattr(args, "channels", None)
    return (
        list(f.groups) if groups is None else [g.strip() for g in groups],
        list(f.brands) if brands is None else [b.strip() for b in brands],
        list(f.channels) if channels is None else [c.strip() for c in channels],
    )


def resolve_filter(
    terms: tuple[list[Any], list[Any], list[str]], frames: Frames, *, when_known: bool = False
) -> TicketFilter | None:
    """The filter for ``terms``; an unknown group or brand name is a usage error (exit 2).
    ``when_known``: only check the names against listings the cache already holds (before a
    sync, so a typo fails in a second, not after minutes of syncing)."""
    groups, brands, channels = terms
    if when_known:
        groups = groups if frames.groups.height else []
        brands = brands if frames.brands.height else []
    if any(not c for c in channels):
        raise UsageError("--channel: an empty channel name; pass e.g. --channel email")
    try:
        return resolve(groups, brands, channels, frames)
    except FilterError as exc:
        raise UsageError(str(exc)) from None


NOW_RANGE = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def parse_now(text: str | None, cfg: Config) -> datetime:
    if text is None:
        return datetime.now(UTC)
    shown = quote(text)
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--now {shown} is not an ISO 8601 time; use e.g. 2026-11-23T14:05:00+01:00"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=cfg.account.tz)
    low, high = NOW_RANGE
    try:
        inside = low <= value.astimezone(UTC) < high
    except (OverflowError, ValueError):  # e.g. 9999-12-31T23:59:59-01:00 has no UTC time
        inside = False
    if not inside:
        raise UsageError(
            f"--now {shown} is out of range; use a time from {low.year} to {high.year - 1}"
        )
    return value


class Progress:
    """One rewritten stderr line while syncing, only on a terminal. The streams sync
    concurrently: the line lists those still running, e.g. ``syncing tickets 12,000 48%, calls
    3,000``."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.counts: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self.shown = False

    def __call__(self, stream: str, batch: Any) -> None:
        if not self.enabled:
            return
        self.counts[stream] = self.counts.get(stream, 0) + len(batch.records)
        fraction = getattr(getattr(batch, "progress", None), "fraction", None)
        pct = f" {fraction:.0%}" if isinstance(fraction, float) else ""
        if getattr(batch, "done", False):
            self.labels.pop(stream, None)
        else:
            self.labels[stream] = f"{stream} {self.counts[stream]:,}{pct}"
        if not self.labels:
            return
        width = max(20, shutil.get_terminal_size().columns - 1)
        line = ("syncing " + ", ".join(self.labels.values()))[:width]
        sys.stderr.write("\r\x1b[2K" + line)
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.enabled and self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


NOT_EXPORTED = (
    "nothing was exported; what was synced so far is kept: run deskwatch export again to resume"
)


async def _sync(cfg: Config, cache: Cache, state_dir: Path, progress: Progress) -> Config:
    """Sync until caught up; the config to compute with (Talk off when the account has none)."""
    from deskwatch.zendesk import ZendeskClient

    client = ZendeskClient(cfg)
    checkpoints = Checkpoints(cache, state_dir)  # a killed first sync resumes, not restarts

    def on_batch(stream: str, batch: Any) -> None:
        progress(stream, batch)
        checkpoints()

    try:
        async with client:
            cfg = await _sync_all(client, cache, cfg, on_batch)
    finally:
        progress.done()
        await checkpoints.close()
        cache.persist(state_dir)
        summary = client.rejects.summary()
        if summary:  # one line: bad records never stop an export, but never go unsaid
            print(f"deskwatch: warning: {summary}; left out of the figures", file=sys.stderr)
    return cfg


async def _sync_all(client: Any, cache: Cache, cfg: Config, on_batch: Any) -> Config:
    """``sync_all``; a Zendesk outage that outlasted the retries says what export does about it
    (the pagers' own words fit the app too, which retries at its next poll)."""
    from deskwatch.zendesk import RateLimitedError, TalkUnavailableError, UnavailableError

    for warning in client.warnings:  # e.g. API tokens retiring on 2027-04-30
        print(f"deskwatch: warning: {warning}", file=sys.stderr)
    try:
        try:
            await sync_all(client, cache, cfg, on_progress=on_batch)
        except TalkUnavailableError as exc:
            # Talk is off on the account (403/404): every ticket figure can still be
            # exported; the other streams resume from where the failure stopped them
            cfg = replace(cfg, talk=replace(cfg.talk, enabled=False))
            await sync_all(client, cache, cfg, on_progress=on_batch)
            print(
                f"deskwatch: warning: {exc}; exported without Talk figures (talk: null)",
                file=sys.stderr,
            )
    except (UnavailableError, RateLimitedError) as exc:
        raise type(exc)(f"{exc}; {NOT_EXPORTED}", status=exc.status) from None
    return cfg


def render(snap: KpiSnapshot, fmt: str) -> bytes:
    if fmt == "json":
        return (snap.to_json(indent=2) + "\n").encode()
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["key", "value"])
        for key, value in flatten(snap.to_dict()):
            writer.writerow([key, "" if value is None else value])
        return buf.getvalue().encode()
    out = io.BytesIO()
    daily_table(snap).write_parquet(out)
    return out.getvalue()


def check_output(output: Path | None) -> None:
    """Refuse an --output that cannot be written before minutes of syncing, not after."""
    if output is None:
        return
    shown = clean(str(output))
    if not output.name or output.is_dir():
        raise UsageError(
            f"--output {shown} is a directory; pass a file name, e.g. "
            + clean(str(output / "kpis.json"))
        )
    if not output.parent.is_dir():
        raise UsageError(
            f"--output {shown}: the directory {clean(str(output.parent))} does not exist"
        )


def write_output(data: bytes, output: Path | None, fmt: str) -> None:
    if output is None:
        if fmt == "parquet" and sys.stdout.isatty():
            raise UsageError("parquet is binary: pass --output FILE or redirect stdout")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(output)
    except OSError as exc:
        raise ExportError(f"cannot write {clean(str(output))}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    cfg = load_config(args.config, state_dir=args.state_dir, require_account=not args.no_sync)
    for warning in cfg_warnings(cfg):
        print(f"deskwatch: warning: {warning}", file=sys.stderr)
    now = parse_now(args.now, cfg)
    check_output(args.output)
    state_dir = Path(cfg.state.dir)
    try:
        cache = Cache.load(state_dir)
    except OSError as exc:
        raise ExportError(f"cannot read the cache in {state_dir}: {exc.strerror or exc}") from None
    for warning in cache.warnings:
        print(f"deskwatch: warning: {warning}", file=sys.stderr)
    terms = filter_terms(args, cfg)
    resolve_filter(terms, cache.frames, when_known=True)
    if not args.no_sync:
        try:
            cfg = asyncio.run(_sync(cfg, cache, state_dir, Progress(sys.stderr.isatty())))
        except OSError as exc:
            raise ExportError(
                f"cannot write the cache in {state_dir}: {exc.strerror or exc}; "
                "check the directory or pass --state-dir"
            ) from None
    flt = resolve_filter(terms, cache.frames)
    try:
        snap = compute_snapshot(cache.frames, cfg, now, flt)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    write_output(render(snap, args.format), args.output, args.format)
    return 0


def cfg_warnings(cfg: Config) -> tuple[str, ...]:
    return cfg.warnings
