"""Leader election for the outbox relay: only the holder of the lock publishes.

On PostgreSQL the lock is a lease: its session ends after `lease_seconds` without a statement
(`idle_session_timeout`), so a paused holder (SIGSTOP, a frozen VM) loses it and another replica
takes over; a live holder renews it by using it (`still_held`), and `wait_holding` keeps it
through a long pause of its own (a retry back-off, a scheduler's interval).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import math
import os
import zlib
from typing import Protocol

import psycopg

from okr_shared.event_store import postgres_conninfo
from okr_shared.settings import LeaderLeaseSettings

RENEW_SECONDS = 1.0
"""How often `wait_holding` renews a held lease; leases are at least a second (the setting)."""


class LeaderLock(Protocol):
    def try_acquire(self) -> bool:
        """Takes the lock if free; True while this process holds it."""

    def still_held(self) -> bool:
        """True if the lock is still ours (the connection or file is alive)."""

    def release(self) -> None: ...


class PostgresAdvisoryLock:
    """A session-level PostgreSQL advisory lock on a dedicated connection, held as a lease: the
    server ends the session once it has been idle for `lease_seconds`, and TCP keepalives (and
    a bound on unacknowledged sends) notice a peer that is gone within about as long."""

    def __init__(self, conninfo: str, name: str, lease_seconds: float = 10.0) -> None:
        self._conninfo = conninfo
        self._key = zlib.crc32(name.encode())
        self._conn: psycopg.Connection | None = None
        self.lease_seconds = lease_seconds

    def _connection_options(self) -> dict[str, object]:
        lease = self.lease_seconds
        return {
            "options": f"-c idle_session_timeout={max(1, round(lease * 1000))}",
            "keepalives": 1,
            "keepalives_idle": max(1, math.ceil(lease / 2)),
            "keepalives_interval": max(1, math.ceil(lease / 6)),
            "keepalives_count": 3,
            "tcp_user_timeout": max(1000, round(lease * 1000)),
        }

    def try_acquire(self) -> bool:
        if self.still_held():
            return True
        self.release()
        try:
            self._conn = psycopg.connect(
                self._conninfo, autocommit=True, connect_timeout=5, **self._connection_options()
            )
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
        except psycopg.Error:
            self.release()
            return False
        if not (row and row[0]):
            self.release()
            return False
        return True

    def still_held(self) -> bool:
        """Asks the server (which renews the lease); False once the session has ended."""
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


async def wait_holding(lock: LeaderLock, stop: asyncio.Event, seconds: float) -> None:
    """Waits `seconds` or until `stop`, renewing the lease of a held lock every second, so a live
    holder keeps leading through its own long pauses; a lost lock is left to `try_acquire`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not stop.is_set():
        left = deadline - loop.time()
        if left <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=min(RENEW_SECONDS, left))
        if not stop.is_set() and deadline > loop.time():
            await asyncio.to_thread(lock.still_held)


def leader_lock(
    env: dict[str, str], prefix: str, name: str, lease_seconds: float | None = None
) -> LeaderLock:
    """An advisory lock on PostgreSQL, a file lock beside an SQLite store (eventsourcing settings
    in `env`); the PostgreSQL lease lasts `lease_seconds` (`OKR_LEADER_LEASE_SECONDS`, 10 s)."""
    conninfo = postgres_conninfo(env, prefix)
    if conninfo is not None:
        lease = lease_seconds or LeaderLeaseSettings().lease_seconds
        return PostgresAdvisoryLock(conninfo, f"okr:{name}", lease_seconds=lease)
    dbname = env.get(f"{prefix}_SQLITE_DBNAME") or env.get("SQLITE_DBNAME") or prefix.lower()
    if dbname.startswith(":memory:") or "mode=memory" in dbname:
        raise ValueError("an in-memory event store cannot be shared with a relay process")
    return FileLock(f"{dbname}.{name}.lock")
