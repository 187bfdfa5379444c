"""The KPI catalogue: every id is the figure's path in the snapshot, declared once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from deskwatch.kpis import compute_snapshot
from deskwatch.kpis.catalogue import CATALOGUE
from deskwatch.kpis.plain import to_plain
from deskwatch.store import Cache
from deskwatch.store.schema import QUEUE_FIELDS
from deskwatch.stream_registry import STREAMS
from tests.unit.kpi_records import cfg, ticket

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def at_path(snapshot: Any, kpi_id: str) -> Any:
    """What the export JSON holds at the id (``ops.*``: the snapshot's operations figures)."""
    head, *rest = kpi_id.split(".")
    value = to_plain(snapshot.ops) if head == "ops" else snapshot.to_dict()[head]
    for key in rest:
        value = None if value is None else value[key]  # talk or its queue may be null
    return value


def test_every_id_reads_the_snapshot_at_its_own_path() -> None:
    c = Cache()
    c.ingest(
        "tickets",
        [
            ticket(1, datetime(2026, 3, 2, 8, tzinfo=UTC), status="open", reply=30.0),
            ticket(
                2,
                datetime(2026, 3, 1, 9, tzinfo=UTC),
                status="solved",
                solved_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
                full_res=1500.0,
            ),
            ticket(3, datetime(2026, 3, 2, 9, 30, tzinfo=UTC), status="new", priority="urgent"),
        ],
    )
    queue = dict.fromkeys(QUEUE_FIELDS, 2)
    c.ingest("queue", [queue], fetched_at=NOW)
    activity = {"agent_id": 7, "agent_state": "online", "online_time": 60, "total_talk_time": 30}
    c.ingest("agents_activity", [activity], fetched_at=NOW)
    snap = compute_snapshot(c.frames, cfg(), NOW)
    assert snap.talk is not None and snap.talk.utilization_today == 0.5
    for kpi_id, kpi in CATALOGUE.items():
        assert to_plain(kpi.read(snap)) == at_path(snap, kpi_id), kpi_id
    assert CATALOGUE["tickets.status.open"].read(snap) == 1


def test_declarations_are_complete() -> None:
    labels = [kpi.label for kpi in CATALOGUE.values()]
    assert len(set(labels)) == len(labels)
    for kpi in CATALOGUE.values():
        assert kpi.streams and set(kpi.streams) <= set(STREAMS), kpi.id
        assert kpi.help, kpi.id
        assert kpi.unit in ("count", "minutes", "ratio", "seconds", "money"), kpi.id
    targets = {kpi.id: kpi.target_of(cfg()) for kpi in CATALOGUE.values()}
    assert targets["tickets.first_reply_minutes"] == cfg().targets.first_reply_minutes
    assert targets["tickets.created.today"] is None
