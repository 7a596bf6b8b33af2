"""Aggregate ids derived from a tenant's own keys, so lookups and re-imports need no index."""

from __future__ import annotations

from uuid import UUID, uuid5

_NAMESPACE = UUID("a6d3c0f2-1b7e-4d59-8c2a-3f9e5b1d7a64")


def cycle_uuid(tenant_id: str, cycle_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00cycle\x00{cycle_id}")


def org_unit_uuid(tenant_id: str, org_unit_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00org-unit\x00{org_unit_id}")


def person_uuid(tenant_id: str, person_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00person\x00{person_id}")


def roster_uuid(tenant_id: str, roster: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00roster\x00{roster}")


def rollover_uuid(source_objective_id: UUID, to_cycle_id: str) -> UUID:
    """The copy of an objective in a later cycle: the same rollover twice makes one copy."""
    return uuid5(_NAMESPACE, f"rollover\x00{source_objective_id}\x00{to_cycle_id}")
