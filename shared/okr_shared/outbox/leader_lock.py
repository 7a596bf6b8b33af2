"""Leader election for the outbox relay: only the holder of the lock publishes."""

from __future__ import annotations

import fcntl
import os
import zlib
from typing import Protocol

import psycopg

from okr_shared.event_store import postgres_conninfo


class LeaderLock(Protocol):
    def try_acquire(self) -> bool:
        """Takes the lock if free; True while this process holds it."""

    def still_held(self) -> bool:
        """True if the lock is still ours (the connection or file is alive)."""

    def release(self) -> None: ...


class PostgresAdvisoryLock:
    """A session-level PostgreSQL advisory lock on a dedicated connection."""

    def __init__(self, conninfo: str, name: str) -> None:
        self._conninfo = conninfo
        self._key = zlib.crc32(name.encode())
        self._conn: psycopg.Connection | None = None

    def try_acquire(self) -> bool:
        if self.still_held():
            return True
        self.release()
        try:
            self._conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
        except psycopg.Error:
            self.release()
            return False
        if not (row and row[0]):
            self.release()
            return False
        return True

    def still_held(self) -> bool:
        if self._conn is None or self._conn.closed:
            return False
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class FileLock:
    """An exclusive lock on a file beside an embedded (SQLite) event store: one relay a machine."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self._path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def leader_lock(env: dict[str, str], prefix: str, name: str) -> LeaderLock:
    """An advisory lock on PostgreSQL, a file lock beside an SQLite store (eventsourcing settings
    in `env`)."""
    conninfo = postgres_conninfo(env, prefix)
    if conninfo is not None:
        return PostgresAdvisoryLock(conninfo, f"okr:{name}")
    dbname = env.get(f"{prefix}_SQLITE_DBNAME") or env.get("SQLITE_DBNAME") or prefix.lower()
    if dbname.startswith(":memory:") or "mode=memory" in dbname:
        raise ValueError("an in-memory event store cannot be shared with a relay process")
    return FileLock(f"{dbname}.{name}.lock")
