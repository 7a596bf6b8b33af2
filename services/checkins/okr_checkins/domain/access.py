"""Rights over check-ins and feedback, from the service's own knowledge of people and goals.

- A key result takes check-ins from its owner (else the objective's owning person, or for a
  unit-owned objective the people of that unit), its contributors (initiative owners), anyone
  above those in the manager chain, and admins. Integrations with the `integration` role feed
  values for any key result of their tenant.
- Objectives are readable as in the goal service: public for all; `org_unit` for the unit and
  below; `private` for the owner and their managers; always for admins.
"""

from __future__ import annotations

from collections.abc import Callable

from okr_checkins.domain.knowledge import Doc, contributors, key_result_owner

Lookup = Callable[[str, str], Doc | None]
MAX_DEPTH = 64


def manager_chain(lookup: Lookup, person_id: str) -> list[str]:
    chain: list[str] = []
    person = lookup("person", person_id)
    current = person.get("manager_id") if person else None
    while current and current not in chain and current != person_id and len(chain) < MAX_DEPTH:
        chain.append(current)
        manager = lookup("person", current)
        current = manager.get("manager_id") if manager else None
    return chain


def unit_ancestry(lookup: Lookup, org_unit_id: str | None) -> list[str]:
    chain: list[str] = []
    current = org_unit_id
    while current and current not in chain and len(chain) < MAX_DEPTH:
        chain.append(current)
        unit = lookup("org_unit", current)
        current = unit.get("parent_id") if unit else None
    return chain


def _unit_of(lookup: Lookup, person_id: str) -> str | None:
    person = lookup("person", person_id)
    return person.get("org_unit_id") if person and person.get("active") else None


def may_check_in(lookup: Lookup, actor: str, roles: frozenset[str], objective: Doc, key_result_id: str) -> bool:
    if roles & {"admin", "integration"}:
        return True
    answerable = {p for p in (key_result_owner(objective, key_result_id),) if p}
    answerable |= contributors(objective, key_result_id)
    if actor in answerable or any(actor in manager_chain(lookup, p) for p in answerable):
        return True
    if objective["owner_type"] == "org_unit" and not objective["key_results"][key_result_id].get("owner_id"):
        return _unit_of(lookup, actor) in unit_ancestry(lookup, objective["owner_id"])
    return False


def may_read(lookup: Lookup, actor: str, roles: frozenset[str], objective: Doc) -> bool:
    if objective["visibility"] == "public" or "admin" in roles:
        return True
    if objective["owner_type"] == "person":
        if actor == objective["owner_id"] or actor in manager_chain(lookup, objective["owner_id"]):
            return True
    elif _unit_of(lookup, actor) in unit_ancestry(lookup, objective["owner_id"]):
        return True
    if objective["visibility"] == "org_unit":
        return objective.get("org_unit_id") in unit_ancestry(lookup, _unit_of(lookup, actor))
    return False
