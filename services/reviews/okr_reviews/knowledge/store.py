"""Where the review service keeps what it learned: one table in its own database.

PostgreSQL in production (the review service's database, never another service's), through a
connection pool; SQLite for `make run`; a dict in unit tests. Each document carries the version
(the CloudEvent sequence of its stream) it reflects, so duplicated or replayed events change
nothing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from okr_reviews.knowledge.domain import Doc, fold, key_of, kind_of

_TABLE = """CREATE TABLE IF NOT EXISTS review_knowledge (
    tenant_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind, key))"""
_UPSERT = """INSERT INTO review_knowledge (tenant_id, kind, key, version, body)
    VALUES ({p}, {p}, {p}, {p}, {p})
    ON CONFLICT (tenant_id, kind, key) DO UPDATE
    SET version = excluded.version, body = excluded.body
    WHERE review_knowledge.version < excluded.version"""


class KnowledgeStore(Protocol):
    def load(self, tenant_id: str, kind: str, key: str) -> tuple[int, Doc | None]: ...

    def store(self, tenant_id: str, kind: str, key: str, version: int, doc: Doc) -> bool: ...

    def of_tenant(self, tenant_id: str, kind: str) -> Iterator[Doc]: ...


def apply_event(
    store: KnowledgeStore,
    tenant_id: str,
    event_type: str,
    data: dict[str, Any],
    sequence: int,
    at: datetime,
) -> Doc | None:
    """Folds one event into the knowledge; the document written, or None if not needed, already
    known or not applicable yet."""
    kind = kind_of(event_type)
    if kind is None:
        return None
    key = key_of(kind, data)
    version, current = store.load(tenant_id, kind, key)
    if sequence <= version:
        return None
    doc = fold(current, event_type, data, at, sequence)
    if doc is None or not store.store(tenant_id, kind, key, sequence, doc):
        return None
    return doc


class MemoryKnowledge:
    """Knowledge in a dict, for unit tests."""

    def __init__(self) -> None:
        self._docs: dict[tuple[str, str, str], tuple[int, Doc]] = {}

    def load(self, tenant_id: str, kind: str, key: str) -> tuple[int, Doc | None]:
        version, doc = self._docs.get((tenant_id, kind, key), (0, None))
        return version, json.loads(json.dumps(doc)) if doc is not None else None

    def store(self, tenant_id: str, kind: str, key: str, version: int, doc: Doc) -> bool:
        if self._docs.get((tenant_id, kind, key), (0, None))[0] >= version:
            return False
        self._docs[(tenant_id, kind, key)] = (version, json.loads(json.dumps(doc)))
        return True

    def of_tenant(self, tenant_id: str, kind: str) -> Iterator[Doc]:
        for (t, k, _), (_, doc) in sorted(self._docs.items()):
            if t == tenant_id and k == kind:
                yield json.loads(json.dumps(doc))


class SqlKnowledge:
    """Knowledge in one table of PostgreSQL (conninfo; a pool of at most `pool_size`
    connections shared by the threads) or SQLite (a file path; a connection per thread)."""

    def __init__(
        self, *, conninfo: str | None = None, sqlite_path: str | None = None, pool_size: int = 8
    ) -> None:
        if (conninfo is None) == (sqlite_path is None):
            raise ValueError("give a PostgreSQL conninfo or an SQLite path")
        self._sqlite_path = sqlite_path
        self._p = "%s" if conninfo else "?"
        self._local = threading.local()
        self._pool: ConnectionPool | None = None
        if conninfo:
            self._pool = ConnectionPool(
                conninfo,
                min_size=1,
                max_size=pool_size,
                kwargs={"autocommit": True},
                name="reviews-knowledge",
                open=True,
            )
        with self._connection() as conn:
            conn.execute(_TABLE)

    def _connection(self) -> Any:
        if self._pool is not None:
            return self._pool.connection()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self._sqlite_path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return _Autocommit(conn)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def load(self, tenant_id: str, kind: str, key: str) -> tuple[int, Doc | None]:
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT version, body FROM review_knowledge WHERE tenant_id = {self._p} "
                f"AND kind = {self._p} AND key = {self._p}",
                (tenant_id, kind, key),
            ).fetchone()
        return (row[0], json.loads(row[1])) if row else (0, None)

    def store(self, tenant_id: str, kind: str, key: str, version: int, doc: Doc) -> bool:
        with self._connection() as conn:
            cursor = conn.execute(
                _UPSERT.format(p=self._p), (tenant_id, kind, key, version, json.dumps(doc))
            )
            return cursor.rowcount == 1

    def of_tenant(self, tenant_id: str, kind: str) -> Iterator[Doc]:
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT body FROM review_knowledge WHERE tenant_id = {self._p} "
                f"AND kind = {self._p} ORDER BY key",
                (tenant_id, kind),
            ).fetchall()
        for (body,) in rows:
            yield json.loads(body)


class _Autocommit:
    """An SQLite connection used as a context manager without closing it."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __enter__(self) -> Any:
        return self._conn

    def __exit__(self, *exc: object) -> None:
        return None
