"""Aggregate ids derived from tenant and business keys, so lookups and retries need no index."""

from __future__ import annotations

from uuid import UUID, uuid5

_NAMESPACE = UUID("9a7c3e51-2b6d-4f8a-b1c9-5e4d3a2f1b08")


def rule_book_uuid(tenant_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00scoring-rules")


def review_uuid(tenant_id: str, cycle_id: str, objective_id: str) -> UUID:
    """The review of an objective in a cycle: opening it again names the same review."""
    return uuid5(_NAMESPACE, f"{tenant_id}\x00review\x00{cycle_id}\x00{objective_id}")


def retrospective_uuid(tenant_id: str, cycle_id: str, subject_kind: str, subject_id: str) -> UUID:
    """The retrospective of an objective or a team (`subject_kind` objective or org_unit) in a
    cycle: writing it again names the same retrospective."""
    return uuid5(
        _NAMESPACE, f"{tenant_id}\x00retrospective\x00{cycle_id}\x00{subject_kind}\x00{subject_id}"
    )
