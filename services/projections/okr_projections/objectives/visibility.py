"""Who may read an objective and whose work: the shared rules (`okr_shared.access`) on read models.

The read models hold no manager chain of an owner and no unit line of an objective, but they
do hold the reader's reports (everyone below the reader) and the units above and below the
reader's unit. From those the facts are derived as far as they concern the reader: whether the
reader is above the owner, and whether the reader's unit is the objective's unit or above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from okr_projections.documents import Document
from okr_shared import access as rules


@dataclass(frozen=True)
class Reader:
    """A person reading objectives, with the directory facts the rules need."""

    person_id: str
    is_admin: bool = False
    org_units: frozenset[str] = frozenset()
    """The reader's org unit and every unit above it."""
    reports: frozenset[str] = frozenset()
    """Everyone below the reader in the manager chain (the reader is above them)."""
    roles: frozenset[str] = frozenset()
    tenant_id: str = ""
    org_unit_id: str | None = None
    """The reader's own org unit (none after leaving)."""
    units_below: frozenset[str] = frozenset()
    """Every unit below the reader's unit."""

    def actor(self) -> rules.Actor:
        """The reader as the shared rules see it."""
        roles = self.roles | ({rules.ADMIN} if self.is_admin else set())
        line: tuple[str, ...] = ()
        if self.org_unit_id:
            line = (self.org_unit_id, *sorted(self.org_units - {self.org_unit_id}))
        return rules.Actor(self.tenant_id, self.person_id, frozenset(roles), line)


def reader_from(
    tenant_id: str,
    person_id: str,
    roles: Iterable[str],
    person: Document | None,
    unit: Document | None,
    reports: Iterable[str],
    below: Iterable[str] = (),
) -> Reader:
    """The reader from the people and org-unit read models; a person who left belongs to no unit."""
    held = frozenset(roles)
    below_me = frozenset(reports) - {person_id}
    if person is None or not person.get("active", True) or not person.get("org_unit_id"):
        return Reader(
            person_id, rules.ADMIN in held, reports=below_me, roles=held, tenant_id=tenant_id
        )
    unit_id = person["org_unit_id"]
    org_units = frozenset([unit_id, *(unit.get("ancestors", []) if unit else [])])
    return Reader(
        person_id,
        rules.ADMIN in held,
        org_units,
        below_me,
        held,
        tenant_id,
        unit_id,
        frozenset(below) - {unit_id},
    )


def goal_facts(objective: Document, reader: Reader) -> rules.GoalFacts:
    """The objective's facts as far as they concern the reader."""
    owner_type, owner_id = objective.get("owner_type", ""), objective.get("owner_id", "")
    unit = objective.get("org_unit_id")
    line: tuple[str, ...] = ()
    if unit:
        above = reader.org_unit_id is not None and unit in reader.units_below
        line = (unit, reader.org_unit_id) if above else (unit,)
    managers = (
        (reader.person_id,) if owner_type == rules.PERSON and owner_id in reader.reports else ()
    )
    return rules.GoalFacts(
        objective.get("tenant_id", ""),
        owner_type,
        owner_id,
        objective.get("visibility", rules.PRIVATE),
        line,
        managers,
    )


def can_read(objective: Document, reader: Reader) -> bool:
    """True when the reader may see the objective."""
    return rules.may_read(reader.actor(), goal_facts(objective, reader))


def can_read_work_of(person_id: str, reader: Reader) -> bool:
    """True when the reader may see what is asked of the person."""
    managers = (reader.person_id,) if person_id in reader.reports else ()
    return rules.may_see_work_of(reader.actor(), reader.tenant_id, person_id, managers)
