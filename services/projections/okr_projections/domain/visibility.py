"""Who may read an objective: pure rules over the objective and what the directory says about the reader.

- public: everyone in the tenant.
- org_unit: the owner, admins, people whose org unit is the objective's unit or below it, and
  the people above the owner in the manager chain.
- private: the owner, the people above the owner in the manager chain, and admins. An
  objective owned by an org unit has no owner chain, so no reader beyond admins.

A person's own work list (the check-ins due from them) follows the private rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from okr_projections.domain.documents import Document

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Reader:
    """A person reading objectives, with the directory facts the rules need."""

    person_id: str
    is_admin: bool = False
    org_units: frozenset[str] = frozenset()
    """The reader's org unit and every unit above it."""
    reports: frozenset[str] = frozenset()
    """Everyone below the reader in the manager chain (the reader is above them)."""


def reader_from(person_id: str, roles: Iterable[str], person: Document | None, unit: Document | None,
                reports: Iterable[str]) -> Reader:
    """The reader from the people and org-unit read models; a person who left belongs to no unit."""
    org_units: frozenset[str] = frozenset()
    if person is not None and person.get("active", True) and person.get("org_unit_id"):
        org_units = frozenset([person["org_unit_id"], *(unit.get("ancestors", []) if unit else [])])
    return Reader(person_id, ADMIN_ROLE in roles, org_units, frozenset(reports) - {person_id})


def can_read(objective: Document, reader: Reader) -> bool:
    """True when the reader may see the objective."""
    visibility = objective.get("visibility")
    if visibility == "public" or reader.is_admin:
        return True
    person_owned = objective.get("owner_type") == "person"
    if person_owned and (objective["owner_id"] == reader.person_id or objective["owner_id"] in reader.reports):
        return True
    return visibility == "org_unit" and objective.get("org_unit_id") in reader.org_units


def can_read_work_of(person_id: str, reader: Reader) -> bool:
    """True when the reader may see what is asked of the person: themselves, admins, people above them."""
    return reader.is_admin or person_id == reader.person_id or person_id in reader.reports
