"""Serialising a tenant's alignment changes across every replica, with a PostgreSQL advisory lock.

A circle in the alignment graph is refused by walking up from the new parent; two replicas
adding opposite links at the same instant could otherwise both pass that check.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator

import psycopg

from okr_goals.store import ProcessTenantLocks


class PostgresTenantLocks:
    """One session-level advisory lock per tenant, held for the length of a change."""

    def __init__(self, conninfo: str, timeout_seconds: int = 10) -> None:
        self._conninfo = conninfo
        self._timeout = timeout_seconds
        self._local = ProcessTenantLocks()

    @contextlib.contextmanager
    def hold(self, tenant_id: str) -> Iterator[None]:
        key = zlib.crc32(f"okr:alignment:{tenant_id}".encode())
        with self._local.hold(tenant_id), psycopg.connect(self._conninfo, autocommit=True) as conn:
            conn.execute(f"SET lock_timeout = '{int(self._timeout)}s'")
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
