"""Processes starting at once against a fresh PostgreSQL database all open their own tables:
none fails on the race `CREATE TABLE IF NOT EXISTS` alone loses."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from okr_shared.audit.ledger import AuditLedger
from okr_shared.event_store import postgres_conninfo
from okr_shared.knowledge_table import SqlKnowledge
from okr_shared.personal.keys import SqlKeyTable
from tests.conftest import postgres_env

STARTERS = 12


def _all_at_once(open_table: Callable[[], object]) -> list[object]:
    gate = threading.Barrier(STARTERS)

    def start(_: int) -> object:
        gate.wait()
        return open_table()

    with ThreadPoolExecutor(STARTERS) as pool:
        return list(pool.map(start, range(STARTERS)))


def _conninfo(infra, new_database) -> str:
    conninfo = postgres_conninfo(postgres_env(infra, new_database()), "GOALS")
    assert conninfo is not None
    return conninfo


def test_key_tables_opened_at_once_on_a_fresh_database(infra, new_database) -> None:
    conninfo = _conninfo(infra, new_database)
    tables = _all_at_once(lambda: SqlKeyTable(conninfo=conninfo))
    made = tables[0].create("acme", "ana", b"k" * 64)
    assert all(t.current("acme", "ana") == made for t in tables)
    for t in tables:
        t.close()


def test_knowledge_tables_opened_at_once_on_a_fresh_database(infra, new_database) -> None:
    conninfo = _conninfo(infra, new_database)
    tables = _all_at_once(lambda: SqlKnowledge(table="knowledge", conninfo=conninfo))
    assert tables[0].store("acme", "cycle", "q1", 1, {"state": "open"})
    assert all(t.load("acme", "cycle", "q1") == (1, {"state": "open"}) for t in tables)
    for t in tables:
        t.close()


def test_audit_ledgers_opened_at_once_on_a_fresh_database(infra, new_database) -> None:
    conninfo = _conninfo(infra, new_database)
    ledgers = _all_at_once(lambda: AuditLedger(conninfo=conninfo))
    assert {ledger.position() for ledger in ledgers} == {0}
    for ledger in ledgers:
        ledger.close()
