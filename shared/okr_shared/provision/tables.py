"""A service's PostgreSQL tables: created by the migration job with a privileged user, granted
to the runtime role, and checked by the service at start."""

from __future__ import annotations

import re

import psycopg
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment
from psycopg import sql

from okr_shared.audit.ledger import AuditLedger
from okr_shared.event_store import postgres_conninfo
from okr_shared.knowledge_table import SqlKnowledge
from okr_shared.personal.keys import SqlKeyTable
from okr_shared.provision.catalogue import TABLES, Tables

ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,62}$")
TABLE_RIGHTS = ("SELECT", "INSERT", "UPDATE", "DELETE")


class NotPostgres(ValueError):
    """The service's store is not PostgreSQL, so there is nothing for the migration job."""


def conninfo_of(service: str, env: dict[str, str]) -> str:
    """The PostgreSQL connection string of the service's store settings; NotPostgres else."""
    prefix = service.upper()
    conninfo = postgres_conninfo(env, prefix)
    if conninfo is None:
        raise NotPostgres(
            f"the {service} store is not PostgreSQL: set {prefix}_PERSISTENCE_MODULE="
            f"eventsourcing.postgres and {prefix}_POSTGRES_HOST/PORT/DBNAME/USER/PASSWORD"
        )
    return conninfo


def schema_of(service: str, env: dict[str, str]) -> str:
    prefix = service.upper()
    return env.get(f"{prefix}_POSTGRES_SCHEMA") or env.get("POSTGRES_SCHEMA") or "public"


def create_tables(service: str, env: dict[str, str]) -> list[str]:
    """Creates every table of the service (idempotent) with the code that uses them, so names
    and columns cannot drift; the tables, by name."""
    tables = TABLES[service]
    conninfo = conninfo_of(service, env)
    prefix = service.upper()
    creating = Environment(tables.name, {**env, f"{prefix}_CREATE_TABLE": "true"})
    factory = InfrastructureFactory.construct(creating)
    try:
        factory.application_recorder()
        if tables.snapshots:
            factory.aggregate_recorder("snapshots")
        factory.tracking_recorder()
    finally:
        factory.close()
    opened = []
    if tables.personal_keys:
        opened.append(SqlKeyTable(conninfo=conninfo, pool_name=f"{service}-provision-keys"))
    if tables.knowledge:
        opened.append(SqlKnowledge(table=tables.knowledge, conninfo=conninfo, pool_size=1))
    if tables.audit:
        opened.append(AuditLedger(conninfo=conninfo))
    for table in opened:
        table.close()
    return list(tables.all)


def grant(service: str, env: dict[str, str], role: str) -> list[str]:
    """Grants the runtime `role` the use of every table and sequence of the service's schema, now
    and for tables this user creates later; the statements run."""
    if not ROLE.match(role):
        raise ValueError(f"not a role name: {role!r}")
    schema, who = sql.Identifier(schema_of(service, env)), sql.Identifier(role)
    rights = sql.SQL(", ").join(sql.SQL(r) for r in TABLE_RIGHTS)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, who),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(rights, schema, who),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, who),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
            schema, rights, who
        ),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(schema, who),
    ]
    with psycopg.connect(conninfo_of(service, env), autocommit=True) as conn:
        with conn.transaction():
            for statement in statements:
                conn.execute(statement)
        return [s.as_string(conn) for s in statements]


def missing_tables(service: str, env: dict[str, str]) -> list[str]:
    """The service's tables that do not exist, or that its user may not read and write (each
    named with what is wrong); empty when all is there."""
    tables: Tables = TABLES[service]
    schema = schema_of(service, env)
    with psycopg.connect(conninfo_of(service, env), autocommit=True) as conn:
        found = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT c.relname, "
                + ", ".join(f"has_table_privilege(c.oid, '{right}')" for right in TABLE_RIGHTS)
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
                (schema,),
            ).fetchall()
        }
    missing = []
    for table in tables.all:
        if table not in found:
            missing.append(f"{schema}.{table}")
            continue
        denied = [r for r, allowed in zip(TABLE_RIGHTS, found[table], strict=True) if not allowed]
        if denied:
            missing.append(f"{schema}.{table} (no {'/'.join(denied)} for this user)")
    return missing
