"""Online verification of an SQLite store changed behind the service's back, and the chainer:
resuming after a restart, checkpoints every N events or T seconds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from okr_shared.audit.chainer import Chainer
from tests.support.audit import AUDITOR, audit_world


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


@pytest.fixture
def world(tmp_path: Path):
    world = audit_world(sqlite_env(tmp_path / "goals.sqlite"))
    world.objective("Grow revenue")
    world.objective("Cut churn")
    world.chain()
    world.chainer.sign_due(force=True)
    return world


def sql(world, statement: str, *params) -> None:
    with sqlite3.connect(world.container.settings.event_store["SQLITE_DBNAME"]) as conn:
        conn.execute(statement, params)


def event_at(world, aggregate_id: str, version: int) -> int:
    return next(
        s.position
        for s in world.audit.lines.between(0, 10_000)
        if (s.aggregate_id, s.aggregate_version) == (aggregate_id, version)
    )


def test_an_untouched_store_verifies(world) -> None:
    report = world.audit.verify(AUDITOR)
    assert report.ok, report.failures
    assert report.events == report.chained_position and report.checkpoints == 1
    assert report.unsigned == 0


def test_an_event_changed_with_sql_is_named_with_its_aggregate(world) -> None:
    objective = world.objective("Win Asia")
    world.chain()
    position = event_at(world, objective, 1)
    sql(
        world,
        "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), 'Win Asia', "
        "'Win Europe') AS BLOB) WHERE rowid = ?",
        position,
    )
    report = world.audit.verify(AUDITOR)
    assert not report.ok
    first = report.first
    assert (first.position, first.kind, first.aggregate_id) == (position, "changed", objective)
    assert len(report.failures) == 1, "the events after it still verify on their own"


def test_a_deleted_event_is_named_missing_and_breaks_the_checkpoint(world) -> None:
    position = 3
    sql(world, "DELETE FROM stored_events WHERE rowid = ?", position)
    report = world.audit.verify(AUDITOR)
    assert report.first.position == position and report.first.kind == "missing"
    assert any(f.kind == "checkpoint" for f in report.failures)


def test_an_event_inserted_into_a_gap_is_named_inserted(world) -> None:
    sql(
        world,
        "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT 10000, originator_id, 99, topic, state FROM stored_events WHERE rowid = 1",
    )
    world.chainer.ledger.append([], 20_000)
    report = world.audit.verify(AUDITOR)
    assert (report.first.position, report.first.kind) == (10000, "inserted")


def test_swapped_events_are_named_reordered(world) -> None:
    sql(world, "UPDATE stored_events SET rowid = -1 WHERE rowid = 4")
    sql(world, "UPDATE stored_events SET rowid = 4 WHERE rowid = 5")
    sql(world, "UPDATE stored_events SET rowid = 5 WHERE rowid = -1")
    report = world.audit.verify(AUDITOR)
    assert [(f.position, f.kind) for f in report.failures[:2]] == [
        (4, "reordered"),
        (5, "reordered"),
    ]


def test_the_chainer_resumes_from_its_recorded_position_after_a_restart(world) -> None:
    chained = world.chainer.ledger.position()
    world.objective("After the restart")
    restarted = world.container.audit.new_chainer(publish=False)
    assert restarted.chain_once() == world.audit.lines.max_position() - chained
    rows = world.chainer.ledger.chain("acme")
    assert [r.position for r in rows] == sorted({r.position for r in rows})
    assert world.audit.verify(AUDITOR).ok


def _chainer(every_events: int, clock: list[float]) -> Chainer:
    fresh = audit_world(every_events=every_events)
    chainer = fresh.chainer
    chainer.every_seconds = 30.0
    chainer._monotonic = lambda: clock[0]
    return chainer


def test_a_checkpoint_is_signed_every_n_events_of_a_tenant() -> None:
    clock = [0.0]
    chainer = _chainer(every_events=5, clock=clock)
    chainer.chain_once()
    signed = chainer.sign_due()
    assert len(signed) == 1 and signed[0].tenant_id == "acme"
    assert chainer.sign_due() == [], "nothing new to sign"


def test_a_checkpoint_is_signed_after_t_seconds_of_unsigned_events() -> None:
    clock = [0.0]
    chainer = _chainer(every_events=10_000, clock=clock)
    chainer.chain_once()
    assert chainer.sign_due() == []
    clock[0] = 31.0
    signed = chainer.sign_due()
    assert [c.position for c in signed] == [chainer.ledger.position()]
