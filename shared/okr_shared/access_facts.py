"""The facts the access rules (`okr_shared.access`) need, built from a service's knowledge of the
directory and of goals.

The documents are those a service folds from `okr.goals.v1`: a `person` with `manager_id`,
`org_unit_id` and `active`; an `org_unit` with `parent_id`; an objective with `owner_type`,
`owner_id`, `org_unit_id` and `visibility`. `lookup(kind, key)` reads one document of the
caller's tenant (None when unknown); each is read only when a rule needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okr_shared import access as rules
from okr_shared.event_meta import Caller

Doc = dict[str, Any]
Lookup = Callable[[str, str], Doc | None]
MAX_DEPTH = 64
"""How far a chain is followed; a longer one is taken as broken."""


def manager_chain(lookup: Lookup, person_id: str) -> list[str]:
    """Everyone above the person, nearest manager first."""
    chain: list[str] = []
    person = lookup("person", person_id)
    current = person.get("manager_id") if person else None
    while current and current not in chain and current != person_id and len(chain) < MAX_DEPTH:
        chain.append(current)
        manager = lookup("person", current)
        current = manager.get("manager_id") if manager else None
    return chain


def unit_ancestry(lookup: Lookup, org_unit_id: str | None) -> list[str]:
    """The unit followed by every unit above it."""
    chain: list[str] = []
    current = org_unit_id
    while current and current not in chain and len(chain) < MAX_DEPTH:
        chain.append(current)
        unit = lookup("org_unit", current)
        current = unit.get("parent_id") if unit else None
    return chain


def actor_of(lookup: Lookup, caller: Caller) -> rules.Actor:
    """The caller with its unit line (none once departed)."""

    def line() -> list[str]:
        person = lookup("person", caller.actor_id)
        if not person or not person.get("active"):
            return []
        return unit_ancestry(lookup, person.get("org_unit_id"))

    return rules.Actor(caller.tenant_id, caller.actor_id, caller.roles, rules.Deferred(line))


def goal_facts(lookup: Lookup, tenant_id: str, objective: Doc) -> rules.GoalFacts:
    """The facts about a known objective of the tenant."""
    owner_type, owner_id = objective["owner_type"], objective["owner_id"]
    managers = rules.Deferred(
        lambda: manager_chain(lookup, owner_id) if owner_type == rules.PERSON else []
    )
    line = rules.Deferred(lambda: unit_ancestry(lookup, objective.get("org_unit_id")))
    return rules.GoalFacts(tenant_id, owner_type, owner_id, objective["visibility"], line, managers)


def may_read(lookup: Lookup, caller: Caller, objective: Doc) -> bool:
    """Whether the caller may read the known objective."""
    return rules.may_read(actor_of(lookup, caller), goal_facts(lookup, caller.tenant_id, objective))
