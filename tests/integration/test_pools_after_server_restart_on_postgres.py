"""The services' own tables (personal-data keys, knowledge, audit ledger) keep answering after
every connection they pooled died with the server: a dead connection is replaced when it is
handed out, not handed to a request that then fails with a 500 (found by `make faults`, a
PostgreSQL kill -9 under load)."""

from __future__ import annotations

import psycopg

from okr_shared.audit.ledger import AuditLedger
from okr_shared.event_store import postgres_conninfo
from okr_shared.knowledge_table import SqlKnowledge
from okr_shared.personal.keys import SqlKeyTable
from tests.conftest import postgres_env
from tests.support.infra import pg_conninfo


def _conninfo(infra, database: str) -> str:
    conninfo = postgres_conninfo(postgres_env(infra, database), "GOALS")
    assert conninfo is not None
    return conninfo


def _server_drops_everyone(infra, database: str) -> int:
    """Ends every session on the database, as a server restart does; how many it ended."""
    with psycopg.connect(pg_conninfo(infra), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def test_key_table_after_its_connections_died(infra, new_database) -> None:
    database = new_database()
    keys = SqlKeyTable(conninfo=_conninfo(infra, database))
    made = keys.create("acme", "ana", b"k" * 64)
    assert _server_drops_everyone(infra, database) >= 1
    assert keys.current("acme", "ana") == made
    keys.close()


def test_knowledge_after_its_connections_died(infra, new_database) -> None:
    database = new_database()
    knowledge = SqlKnowledge(table="knowledge", conninfo=_conninfo(infra, database))
    assert knowledge.store("acme", "cycle", "q1", 1, {"state": "open"})
    assert _server_drops_everyone(infra, database) >= 1
    assert knowledge.load("acme", "cycle", "q1") == (1, {"state": "open"})
    knowledge.close()


def test_audit_ledger_after_its_connections_died(infra, new_database) -> None:
    database = new_database()
    ledger = AuditLedger(conninfo=_conninfo(infra, database))
    assert ledger.position() == 0
    assert _server_drops_everyone(infra, database) >= 1
    assert ledger.position() == 0
    ledger.close()
