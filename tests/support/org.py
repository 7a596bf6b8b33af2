"""A small organisation for goal-service tests: units, people and a cycle, set up through
commands."""

from __future__ import annotations

from datetime import date

from okr_goals.cycles.commands import PlanCycle
from okr_goals.directory.commands import ImportDirectory, ImportRow
from okr_shared.event_meta import Caller, EventMeta

TENANT = "acme"
CYCLE = "2026-Q1"
NEXT_CYCLE = "2026-Q2"

ORG_UNITS = [
    {"org_unit_id": "acme", "name": "Acme", "kind": "company"},
    {"org_unit_id": "sales", "name": "Sales", "kind": "department", "parent_id": "acme"},
    {"org_unit_id": "rnd", "name": "R&D", "kind": "department", "parent_id": "acme"},
    {"org_unit_id": "web", "name": "Web team", "kind": "team", "parent_id": "rnd"},
]
PEOPLE = [
    {"person_id": "ceo", "name": "Cora CEO", "email": "cora@acme.test", "org_unit_id": "acme"},
    {
        "person_id": "vps",
        "name": "Sam Sales",
        "email": "sam@acme.test",
        "org_unit_id": "sales",
        "manager_id": "ceo",
    },
    {
        "person_id": "rep",
        "name": "Rita Rep",
        "email": "rita@acme.test",
        "org_unit_id": "sales",
        "manager_id": "vps",
    },
    {
        "person_id": "cto",
        "name": "Tom CTO",
        "email": "tom@acme.test",
        "org_unit_id": "rnd",
        "manager_id": "ceo",
    },
    {
        "person_id": "lead",
        "name": "Lea Lead",
        "email": "lea@acme.test",
        "org_unit_id": "web",
        "manager_id": "cto",
    },
    {
        "person_id": "dev",
        "name": "Dan Dev",
        "email": "dan@acme.test",
        "org_unit_id": "web",
        "manager_id": "lead",
        "locale": "de-CH",
    },
]


def caller(actor: str = "ceo", admin: bool = False, tenant: str = TENANT) -> Caller:
    meta = EventMeta(
        tenant_id=tenant,
        actor_id=actor,
        correlation_id=f"corr-{actor}",
        causation_id="req",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    return Caller(meta=meta, roles=frozenset({"admin"}) if admin else frozenset())


ADMIN = caller("ceo", admin=True)


def rows(items: list[dict]) -> tuple[ImportRow, ...]:
    return tuple(ImportRow(i, i + 2, dict(item)) for i, item in enumerate(items))


def seed(app, tenant: str = TENANT) -> None:
    """Imports the directory and plans two cycles for `tenant`."""
    admin = caller("ceo", admin=True, tenant=tenant)
    app.directory.import_directory(
        ImportDirectory(org_units=rows(ORG_UNITS), people=rows(PEOPLE)), admin
    )
    app.cycles.plan_cycle(
        PlanCycle(CYCLE, "Q1 2026", "quarterly", date(2026, 1, 1), date(2026, 3, 31)), admin
    )
    app.cycles.plan_cycle(
        PlanCycle(NEXT_CYCLE, "Q2 2026", "quarterly", date(2026, 4, 1), date(2026, 6, 30)), admin
    )
