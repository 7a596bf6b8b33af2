"""Where a service keeps its audit records, in its own database: the chain per tenant, the
signed checkpoints, how far the chainer has come, and the auditor read log.

PostgreSQL beside the event store (the service's own database), an SQLite file beside an SQLite
store, or SQLite in memory for unit tests and in-memory stores.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from okr_shared.audit.chain import Checkpoint
from okr_shared.event_store import postgres_conninfo
from okr_shared.sql_pool import connection_pool
from okr_shared.sql_schema import create_schema, creates_tables

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS audit_chain (tenant_id TEXT NOT NULL, position BIGINT NOT NULL, "
    "hash TEXT NOT NULL, aggregate_id TEXT NOT NULL, aggregate_version BIGINT NOT NULL, "
    "recorded_at TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (tenant_id, position))",
    "CREATE TABLE IF NOT EXISTS audit_chained (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints (tenant_id TEXT NOT NULL, "
    "position BIGINT NOT NULL, hash TEXT NOT NULL, signed_at TEXT NOT NULL, key_id TEXT NOT NULL,"
    " signature TEXT NOT NULL, published INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY (tenant_id, position))",
    "CREATE TABLE IF NOT EXISTS audit_reads (read_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, "
    "at TEXT NOT NULL, actor_id TEXT NOT NULL, roles TEXT NOT NULL, route TEXT NOT NULL, "
    "parameters TEXT NOT NULL, objective_id TEXT, cycle_id TEXT)",
    "CREATE INDEX IF NOT EXISTS audit_reads_by_time ON audit_reads (tenant_id, at)",
)
CHAINER = "chainer"


@dataclass(frozen=True)
class ChainRow:
    """One chained event of a tenant: its position, the chain value after it, its aggregate."""

    tenant_id: str
    position: int
    hash: str
    aggregate_id: str
    aggregate_version: int
    recorded_at: str
    line: bytes
    """The event line as it was chained: what bundles carry, whatever the contracts become."""


@dataclass(frozen=True)
class ReadRecord:
    """One read through an auditor-facing route: who, what, when."""

    read_id: str
    tenant_id: str
    at: str
    actor_id: str
    roles: tuple[str, ...]
    route: str
    parameters: dict[str, str]
    objective_id: str | None
    cycle_id: str | None


class _Sqlite:
    """One connection shared by the threads, one statement or transaction at a time."""

    marker = "?"

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=30
        )
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.RLock()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


class _Postgres:
    marker = "%s"

    def __init__(self, conninfo: str, name: str) -> None:
        self._pool = connection_pool(conninfo, name)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._pool.connection() as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        self._pool.close()


class AuditLedger:
    """The audit tables over PostgreSQL (`conninfo`) or SQLite (`sqlite_path`, `:memory:`);
    `create=False` leaves them to the migration job."""

    def __init__(
        self, conninfo: str | None = None, sqlite_path: str = ":memory:", create: bool = True
    ) -> None:
        self._db: _Sqlite | _Postgres = (
            _Postgres(conninfo, "audit-ledger") if conninfo else _Sqlite(sqlite_path)
        )
        self._p = self._db.marker
        if create:
            with self._db.transaction() as conn:
                create_schema(conn, "audit", SCHEMA, postgres=conninfo is not None)

    def _sql(self, text: str) -> str:
        return text.replace("?", self._p)

    def close(self) -> None:
        self._db.close()

    def position(self, name: str = CHAINER) -> int:
        """The last notification the chainer `name` has chained (0: none)."""
        rows = self._db.query(
            self._sql("SELECT position FROM audit_chained WHERE name = ?"), (name,)
        )
        return int(rows[0][0]) if rows else 0

    def append(self, rows: list[ChainRow], position: int, name: str = CHAINER) -> None:
        """Records the rows and the chainer's new position in one transaction."""
        with self._db.transaction() as conn:
            for r in rows:
                conn.execute(
                    self._sql("INSERT INTO audit_chain VALUES (?, ?, ?, ?, ?, ?, ?)"),
                    (
                        r.tenant_id,
                        r.position,
                        r.hash,
                        r.aggregate_id,
                        r.aggregate_version,
                        r.recorded_at,
                        r.line.decode(),
                    ),
                )
            conn.execute(
                self._sql(
                    "INSERT INTO audit_chained VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position"
                ),
                (name, position),
            )

    def chain(
        self,
        tenant_id: str,
        after: int = 0,
        upto: int | None = None,
        limit: int | None = None,
    ) -> list[ChainRow]:
        """The tenant's chained events after `after` (up to `upto`), in chain order."""
        sql = "SELECT * FROM audit_chain WHERE tenant_id = ? AND position > ?"
        params: list[Any] = [tenant_id, after]
        if upto is not None:
            sql += " AND position <= ?"
            params.append(upto)
        sql += " ORDER BY position"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row(r) for r in self._db.query(self._sql(sql), tuple(params))]

    def last_before(self, tenant_id: str, position: int) -> ChainRow | None:
        """The tenant's last chained event below `position`."""
        rows = self._db.query(
            self._sql(
                "SELECT * FROM audit_chain WHERE tenant_id = ? AND position < ? "
                "ORDER BY position DESC LIMIT 1"
            ),
            (tenant_id, position),
        )
        return _row(rows[0]) if rows else None

    def heads(self) -> dict[str, ChainRow]:
        """Every tenant's last chained event."""
        rows = self._db.query(
            "SELECT c.* FROM audit_chain c JOIN (SELECT tenant_id, MAX(position) AS position "
            "FROM audit_chain GROUP BY tenant_id) h "
            "ON c.tenant_id = h.tenant_id AND c.position = h.position"
        )
        return {r[0]: _row(r) for r in rows}

    def unsigned(self) -> dict[str, int]:
        """How many chained events of each tenant come after its last checkpoint."""
        rows = self._db.query(
            "SELECT c.tenant_id, COUNT(*) FROM audit_chain c LEFT JOIN (SELECT tenant_id, "
            "MAX(position) AS position FROM audit_checkpoints GROUP BY tenant_id) k "
            "ON c.tenant_id = k.tenant_id WHERE k.position IS NULL OR c.position > k.position "
            "GROUP BY c.tenant_id"
        )
        return {tenant: int(count) for tenant, count in rows}

    def position_at(self, tenant_id: str, at: str, first: bool) -> int | None:
        """The tenant's first event recorded at or after `at` (`first`), else its last one at or
        before it."""
        op, order = (">=", "ASC") if first else ("<=", "DESC")
        rows = self._db.query(
            self._sql(
                f"SELECT position FROM audit_chain WHERE tenant_id = ? AND recorded_at {op} ? "
                f"ORDER BY position {order} LIMIT 1"
            ),
            (tenant_id, at),
        )
        return int(rows[0][0]) if rows else None

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                self._sql(
                    "INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?, ?, ?, 0) "
                    "ON CONFLICT (tenant_id, position) DO NOTHING"
                ),
                (
                    checkpoint.tenant_id,
                    checkpoint.position,
                    checkpoint.hash,
                    checkpoint.signed_at,
                    checkpoint.key_id,
                    checkpoint.signature,
                ),
            )

    def checkpoints(self, service: str, tenant_id: str) -> list[Checkpoint]:
        """The tenant's checkpoints, oldest first."""
        rows = self._db.query(
            self._sql(
                "SELECT tenant_id, position, hash, signed_at, key_id, signature "
                "FROM audit_checkpoints WHERE tenant_id = ? ORDER BY position"
            ),
            (tenant_id,),
        )
        return [_checkpoint(service, r) for r in rows]

    def unpublished(self, service: str) -> list[Checkpoint]:
        rows = self._db.query(
            "SELECT tenant_id, position, hash, signed_at, key_id, signature "
            "FROM audit_checkpoints WHERE published = 0 ORDER BY position"
        )
        return [_checkpoint(service, r) for r in rows]

    def mark_published(self, checkpoints: list[Checkpoint]) -> None:
        with self._db.transaction() as conn:
            for c in checkpoints:
                conn.execute(
                    self._sql(
                        "UPDATE audit_checkpoints SET published = 1 "
                        "WHERE tenant_id = ? AND position = ?"
                    ),
                    (c.tenant_id, c.position),
                )

    def record_read(self, read: ReadRecord) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                self._sql("INSERT INTO audit_reads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                (
                    read.read_id,
                    read.tenant_id,
                    read.at,
                    read.actor_id,
                    json.dumps(read.roles),
                    read.route,
                    json.dumps(read.parameters, sort_keys=True),
                    read.objective_id,
                    read.cycle_id,
                ),
            )

    def reads(self, tenant_id: str, offset: int = 0, limit: int = 100) -> list[ReadRecord]:
        """The tenant's recorded reads, newest first."""
        rows = self._db.query(
            self._sql(
                "SELECT * FROM audit_reads WHERE tenant_id = ? ORDER BY at DESC, read_id "
                f"LIMIT {int(limit)} OFFSET {int(offset)}"
            ),
            (tenant_id,),
        )
        return [
            ReadRecord(
                r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], json.loads(r[6]), r[7], r[8]
            )
            for r in rows
        ]


def _row(r: tuple) -> ChainRow:
    return ChainRow(r[0], int(r[1]), r[2], r[3], int(r[4]), r[5], r[6].encode())


def _checkpoint(service: str, r: tuple) -> Checkpoint:
    return Checkpoint(service, r[0], int(r[1]), r[2], r[3], r[4], r[5])


def open_ledger(env: dict[str, str], prefix: str) -> AuditLedger:
    """The service's audit ledger (its event-store settings in `env`, read with `prefix`): in its
    own PostgreSQL database, in an SQLite file beside its store, or else in memory."""

    def get(key: str) -> str:
        return env.get(f"{prefix}_{key}") or env.get(key) or ""

    conninfo = postgres_conninfo(env, prefix)
    if conninfo is not None:
        return AuditLedger(conninfo=conninfo, create=creates_tables(env, prefix))
    dbname = get("SQLITE_DBNAME")
    in_memory = not dbname or ":memory:" in dbname or "mode=memory" in dbname
    if get("PERSISTENCE_MODULE") == "eventsourcing.sqlite" and not in_memory:
        return AuditLedger(sqlite_path=f"{dbname}.audit")
    return AuditLedger()
