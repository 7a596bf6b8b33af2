"""Where a service keeps what it learned from other services' events: one table of versioned
documents in its own database.

PostgreSQL in production (the service's own database, never another service's), through a
connection pool; SQLite for `make run`; a dict in unit tests. A document is keyed by tenant, kind
and key, and carries the version (the CloudEvent sequence of its stream) it reflects: a write
with a version not above the stored one changes nothing, so duplicated or replayed events are
harmless. What a document holds, and how events fold into it, is the service's own.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from okr_shared.event_store import postgres_conninfo
from okr_shared.sql_pool import connection_pool
from okr_shared.sql_schema import create_schema, creates_tables

Doc = dict[str, Any]


class KnowledgeTable(Protocol):
    def load(self, tenant_id: str, kind: str, key: str) -> tuple[int, Doc | None]:
        """The document's version and body; (0, None) when unknown."""
        ...

    def store(self, tenant_id: str, kind: str, key: str, version: int, doc: Doc) -> bool:
        """Writes the document if `version` is above the stored one; whether it wrote."""
        ...

    def all_of(self, kind: str) -> Iterator[tuple[str, Doc]]:
        """Every document of that kind, with its tenant, by tenant and key."""
        ...

    def of_tenant(self, tenant_id: str, kind: str) -> Iterator[Doc]:
        """The tenant's documents of that kind, by key."""
        ...

    def close(self) -> None:
        """Releases the connections."""
        ...


def _copy(doc: Doc) -> Doc:
    return json.loads(json.dumps(doc))


class MemoryKnowledge:
    """Knowledge in a dict, for unit tests; reads and writes copy, as a database would."""

    def __init__(self) -> None:
        self._docs: dict[tuple[str, str, str], tuple[int, Doc]] = {}

    def load(self, tenant_id: str, kind: str, key: str) -> tuple[int, Doc | None]:
        version, doc = self._docs.get((tenant_id, kind, key), (0, None))
        return version, _copy(doc) if doc is not None else None

    def store(self, tenant_id: str, kind: str, key: str, version: int, doc: Doc) -> bool:
        if self._docs.get((tenant_id, kind, key), (0, None))[0] >= version:
            return False
        self._docs[(tenant_id, kind, key)] = (version, _copy(doc))
        return True

    def all_of(self, kind: str) -> Iterator[tuple[str, Doc]]:
        for (tenant_id, k, _), (_, doc) in sorted(self._docs.items()):
            if k == kind:
                yield tenant_id, _copy(doc)

    def of_tenant(self, tenant_id: str, kind: str) -> Iterator[Doc]:
        for (t, k, _), (_, doc) in sorted(self._docs.items()):
            if t == tenant_id and k == kind:
                yield _copy(doc)

    def close(self) -> None:
        return None


class SqlKnowledge:
    """Knowledge in the table `table` of PostgreSQL (conninfo; a pool of at most `pool_size`
    connections shared by the threads, named `pool_name`) or SQLite (a file path; a connection
    per thread); `create=False` leaves the table to the migration job."""

    def __init__(
        self,
        *,
        table: str,
        conninfo: str | None = None,
        sqlite_path: str | None = None,
        pool_size: int = 8,
        pool_name: str | None = None,
        create: bool = True,
    ) -> None:
        if (conninfo is None) == (sqlite_path is None):
            raise ValueError("give a PostgreSQL conninfo or an SQLite path")
        if not table.isidentifier():
            raise ValueError(f"not a table name: {table!r}")
        self._table = table
        self._sqlite_path = sqlite_path
        self._p = "%s" if conninfo else "?"
        self._local = threading.local()
        self._pool: ConnectionPool | None = None
        if conninfo:
            self._pool = connection_pool(conninfo, pool_name or table, pool_size)
        statement = (
            f"CREATE TABLE IF NOT EXISTS {table} (tenant_id TEXT NOT NULL, kind TEXT NOT NULL, "
            "key TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL, "
            "PRIMARY KEY (tenant_id, kind, key))"
        )
        if create:
            with self._connection() as conn:
                create_schema(conn, table, [statement], postgres=conninfo is not None)

    def _connection(self) -> Any:
        """A connection for a few statements, each committing on its own."""
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
        """Closes the PostgreSQL pool (SQLite connections close with their threads)."""
        if self._pool is not None:
            self._pool.close()

    def load(self, tenant_id: str, kind: str, key: str) -> tuple[int, Doc | None]:
        p = self._p
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT version, body FROM {self._table} "
                f"WHERE tenant_id = {p} AND kind = {p} AND key = {p}",
                (tenant_id, kind, key),
            ).fetchone()
        return (row[0], json.loads(row[1])) if row else (0, None)

    def store(self, tenant_id: str, kind: str, key: str, version: int, doc: Doc) -> bool:
        p, table = self._p, self._table
        with self._connection() as conn:
            cursor = conn.execute(
                f"INSERT INTO {table} (tenant_id, kind, key, version, body) "
                f"VALUES ({p}, {p}, {p}, {p}, {p}) "
                "ON CONFLICT (tenant_id, kind, key) DO UPDATE "
                "SET version = excluded.version, body = excluded.body "
                f"WHERE {table}.version < excluded.version",
                (tenant_id, kind, key, version, json.dumps(doc)),
            )
            return cursor.rowcount == 1

    def all_of(self, kind: str) -> Iterator[tuple[str, Doc]]:
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT tenant_id, body FROM {self._table} WHERE kind = {self._p} "
                "ORDER BY tenant_id, key",
                (kind,),
            ).fetchall()
        for tenant_id, body in rows:
            yield tenant_id, json.loads(body)

    def of_tenant(self, tenant_id: str, kind: str) -> Iterator[Doc]:
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT body FROM {self._table} WHERE tenant_id = {self._p} "
                f"AND kind = {self._p} ORDER BY key",
                (tenant_id, kind),
            ).fetchall()
        for (body,) in rows:
            yield json.loads(body)


class _Autocommit:
    """An SQLite connection used as a context manager without closing it (each statement
    commits)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __enter__(self) -> Any:
        return self._conn

    def __exit__(self, *exc: object) -> None:
        return None


def open_knowledge(env: dict[str, str], prefix: str, table: str) -> KnowledgeTable:
    """The service's knowledge table (its event-store settings in `env`, read with `prefix`): in
    its own PostgreSQL database, in an SQLite file beside its store, or else in memory."""

    def get(key: str) -> str:
        return env.get(f"{prefix}_{key}") or env.get(key) or ""

    conninfo = postgres_conninfo(env, prefix)
    pool_name = f"{prefix.lower()}-knowledge"
    if conninfo is not None:
        return SqlKnowledge(
            table=table,
            conninfo=conninfo,
            pool_name=pool_name,
            create=creates_tables(env, prefix),
        )
    if get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        return SqlKnowledge(table=table, sqlite_path=f"{get('SQLITE_DBNAME')}.knowledge")
    return MemoryKnowledge()
