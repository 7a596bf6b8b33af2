"""Creating a service's own tables when several processes start against one fresh database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def create_schema(conn: Any, name: str, statements: Iterable[str], postgres: bool) -> None:
    """Runs `statements` (each `CREATE ... IF NOT EXISTS`) on `conn`. On PostgreSQL they run in
    one transaction holding an advisory lock named by `name`: `CREATE TABLE IF NOT EXISTS` alone
    is not safe when two processes create the same table at once (one fails on the catalogue's
    unique index)."""
    if not postgres:
        for statement in statements:
            conn.execute(statement)
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"okr:schema:{name}",))
        for statement in statements:
            conn.execute(statement)


def creates_tables(env: dict[str, str], prefix: str) -> bool:
    """Whether a service creates its tables itself: eventsourcing's `<PREFIX>_CREATE_TABLE` (or
    `CREATE_TABLE`) setting, false with `OKR_PROVISIONING=external`, applies to every table."""
    value = env.get(f"{prefix}_CREATE_TABLE") or env.get("CREATE_TABLE") or "yes"
    return value.strip().lower() not in ("n", "no", "f", "false", "off", "0")
