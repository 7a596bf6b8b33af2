"""Connection pools of a service's own PostgreSQL tables (knowledge, personal-data keys, audit
ledger): each connection is checked as it is handed out, so connections that died with the
server (a restart, a failover) are replaced instead of failing the next request."""

from __future__ import annotations

from psycopg_pool import ConnectionPool


def connection_pool(conninfo: str, name: str, max_size: int = 4) -> ConnectionPool:
    """An open pool of autocommit connections, 1 to `max_size`, checked on every checkout."""
    return ConnectionPool(
        conninfo,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True},
        name=name,
        open=True,
        check=ConnectionPool.check_connection,
    )
