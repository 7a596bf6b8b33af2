"""The shared access rules (`okr_shared.access`) applied to the service's knowledge of goals.

Facts come from the knowledge documents through `lookup`, each read only when a rule needs it.
"""

from __future__ import annotations

from collections.abc import Callable

from okr_checkins.knowledge.domain import Doc, contributors
from okr_shared import access as rules
from okr_shared.event_meta import Caller

Lookup = Callable[[str, str], Doc | None]
MAX_DEPTH = 64


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
    return rules.may_read(actor_of(lookup, caller), goal_facts(lookup, caller.tenant_id, objective))


def may_check_in(lookup: Lookup, caller: Caller, objective: Doc, key_result_id: str) -> bool:
    goal = goal_facts(lookup, caller.tenant_id, objective)
    owner_id = objective["key_results"][key_result_id].get("owner_id")
    people = rules.answerable_for(goal, owner_id, contributors(objective, key_result_id))
    managers = rules.Deferred(lambda: [m for p in sorted(people) for m in manager_chain(lookup, p)])
    key_result = rules.KeyResultFacts(owner_id, people, managers)
    return rules.may_check_in(actor_of(lookup, caller), goal, key_result)


def may_see_key_result(lookup: Lookup, caller: Caller, objective: Doc, key_result_id: str) -> bool:
    """Whoever may read the objective or check in on the key result sees the key result."""
    return may_read(lookup, caller, objective) or may_check_in(
        lookup, caller, objective, key_result_id
    )
