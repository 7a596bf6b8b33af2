"""The table of personal data keys in a service's own database: one key per (tenant, person)
at a time, found by its id when a sealed string is opened.

PostgreSQL in production, SQLite beside an SQLite event store, a dict in unit tests. Erasing a
person deletes their key rows; the next sealing for them makes a new key under a new id, so what
was sealed before stays unreadable.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from okr_shared.event_store import postgres_conninfo
from okr_shared.sql_pool import connection_pool
from okr_shared.sql_schema import create_schema, creates_tables

TABLE = "personal_data_keys"


class KeyTable(Protocol):
    def current(self, tenant_id: str, person_id: str) -> tuple[str, bytes] | None:
        """The person's key id and key, or None when they have none."""
        ...

    def create(self, tenant_id: str, person_id: str, key: bytes) -> tuple[str, bytes]:
        """Stores a new key for the person unless one exists; the person's key either way."""
        ...

    def find(self, key_id: str) -> tuple[str, str, bytes] | None:
        """The tenant, person and key of a key id; None when erased (or never known)."""
        ...

    def delete(self, tenant_id: str, person_id: str) -> int:
        """Deletes the person's keys; how many there were."""
        ...

    def close(self) -> None: ...


class MemoryKeyTable:
    """Keys in a dict, for unit tests."""

    def __init__(self) -> None:
        self._by_person: dict[tuple[str, str], tuple[str, bytes]] = {}
        self._lock = threading.Lock()

    def current(self, tenant_id: str, person_id: str) -> tuple[str, bytes] | None:
        return self._by_person.get((tenant_id, person_id))

    def create(self, tenant_id: str, person_id: str, key: bytes) -> tuple[str, bytes]:
        with self._lock:
            return self._by_person.setdefault((tenant_id, person_id), (uuid.uuid4().hex, key))

    def find(self, key_id: str) -> tuple[str, str, bytes] | None:
        for (tenant_id, person_id), (kid, key) in list(self._by_person.items()):
            if kid == key_id:
                return tenant_id, person_id, key
        return None

    def delete(self, tenant_id: str, person_id: str) -> int:
        with self._lock:
            return 1 if self._by_person.pop((tenant_id, person_id), None) else 0

    def close(self) -> None:
        return None


class SqlKeyTable:
    """Keys in the table `personal_data_keys` of PostgreSQL (conninfo, through a small pool) or
    SQLite (a file path, a connection per thread); `create=False` leaves the table to the
    migration job."""

    def __init__(
        self,
        *,
        conninfo: str | None = None,
        sqlite_path: str | None = None,
        table: str = TABLE,
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
        blob = "BYTEA" if conninfo else "BLOB"
        if conninfo:
            self._pool = connection_pool(conninfo, pool_name or table)
        statement = (
            f"CREATE TABLE IF NOT EXISTS {table} (key_id TEXT PRIMARY KEY, "
            f"tenant_id TEXT NOT NULL, person_id TEXT NOT NULL, key {blob} NOT NULL, "
            "UNIQUE (tenant_id, person_id))"
        )
        if create:
            with self._connection() as conn:
                create_schema(conn, table, [statement], postgres=conninfo is not None)

    def _connection(self) -> Any:
        if self._pool is not None:
            return self._pool.connection()
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self._sqlite_path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._local.conn = conn
        return _Kept(conn)

    def current(self, tenant_id: str, person_id: str) -> tuple[str, bytes] | None:
        p = self._p
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT key_id, key FROM {self._table} WHERE tenant_id = {p} AND person_id = {p}",
                (tenant_id, person_id),
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def create(self, tenant_id: str, person_id: str, key: bytes) -> tuple[str, bytes]:
        p = self._p
        with self._connection() as conn:
            conn.execute(
                f"INSERT INTO {self._table} (key_id, tenant_id, person_id, key) "
                f"VALUES ({p}, {p}, {p}, {p}) ON CONFLICT (tenant_id, person_id) DO NOTHING",
                (uuid.uuid4().hex, tenant_id, person_id, key),
            )
        found = self.current(tenant_id, person_id)
        if found is None:
            raise RuntimeError(f"the data key of {person_id} was deleted while it was made")
        return found

    def find(self, key_id: str) -> tuple[str, str, bytes] | None:
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT tenant_id, person_id, key FROM {self._table} WHERE key_id = {self._p}",
                (key_id,),
            ).fetchone()
        return (row[0], row[1], bytes(row[2])) if row else None

    def delete(self, tenant_id: str, person_id: str) -> int:
        p = self._p
        with self._connection() as conn:
            cursor = conn.execute(
                f"DELETE FROM {self._table} WHERE tenant_id = {p} AND person_id = {p}",
                (tenant_id, person_id),
            )
            return max(cursor.rowcount, 0)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


class _Kept:
    """An SQLite connection used as a context manager without closing it."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __enter__(self) -> Any:
        return self._conn

    def __exit__(self, *exc: object) -> None:
        return None


def open_key_table(env: dict[str, str], prefix: str) -> KeyTable:
    """The service's key table (its event-store settings in `env`, read with `prefix`): in its
    own PostgreSQL database, in an SQLite file beside its store, or else in memory."""

    def get(key: str) -> str:
        return env.get(f"{prefix}_{key}") or env.get(key) or ""

    conninfo = postgres_conninfo(env, prefix)
    if conninfo is not None:
        return SqlKeyTable(
            conninfo=conninfo,
            pool_name=f"{prefix.lower()}-personal-keys",
            create=creates_tables(env, prefix),
        )
    if get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        return SqlKeyTable(sqlite_path=f"{get('SQLITE_DBNAME')}.keys")
    return MemoryKeyTable()
