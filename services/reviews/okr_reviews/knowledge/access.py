"""The shared access rules (`okr_shared.access`) applied to the service's knowledge, and who
may score a key result in a review.

- Self-assessment: the people answerable for the key result (`access.answerable_for`: its owner,
  else the objective's owning person); for a unit-owned objective's key result without an owner,
  the people whose unit is the objective's unit or a unit above it.
- Manager score: everyone above those people in the manager chain; for a unit-owned objective's
  key result without an owner, the people of a unit strictly above the objective's unit.
"""

from __future__ import annotations

from collections.abc import Callable

from okr_reviews.knowledge.domain import Doc
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
    owner_type, owner_id = objective["owner_type"], objective["owner_id"]
    managers = rules.Deferred(
        lambda: manager_chain(lookup, owner_id) if owner_type == rules.PERSON else []
    )
    line = rules.Deferred(lambda: unit_ancestry(lookup, objective.get("org_unit_id")))
    return rules.GoalFacts(tenant_id, owner_type, owner_id, objective["visibility"], line, managers)


def may_read(lookup: Lookup, caller: Caller, objective: Doc) -> bool:
    return rules.may_read(actor_of(lookup, caller), goal_facts(lookup, caller.tenant_id, objective))


def _unit_of(actor: rules.Actor) -> str | None:
    if not rules.holds_position(actor.roles) or not actor.unit_line:
        return None
    return actor.unit_line[0]


def may_self_score(lookup: Lookup, caller: Caller, objective: Doc, key_result_id: str) -> bool:
    """Whether the caller may assess the key result as (one of) its owner(s)."""
    actor = actor_of(lookup, caller)
    if actor.tenant_id != caller.tenant_id or not rules.holds_position(actor.roles):
        return False
    goal = goal_facts(lookup, caller.tenant_id, objective)
    owner_id = objective["key_results"][key_result_id].get("owner_id")
    if actor.person_id in rules.answerable_for(goal, owner_id, ()):
        return True
    if goal.owner_type == rules.ORG_UNIT and not owner_id:
        unit = _unit_of(actor)
        return unit is not None and unit in goal.unit_line
    return False


def may_manager_score(lookup: Lookup, caller: Caller, objective: Doc, key_result_id: str) -> bool:
    """Whether the caller sits above the key result's owner(s): in the manager chain of the
    answerable people, or (unit-owned, no key-result owner) in a unit above the objective's."""
    actor = actor_of(lookup, caller)
    if not rules.holds_position(actor.roles):
        return False
    goal = goal_facts(lookup, caller.tenant_id, objective)
    owner_id = objective["key_results"][key_result_id].get("owner_id")
    answerable = rules.answerable_for(goal, owner_id, ())
    if any(actor.person_id in manager_chain(lookup, p) for p in sorted(answerable)):
        return True
    if goal.owner_type == rules.ORG_UNIT and not owner_id:
        unit = _unit_of(actor)
        return unit is not None and unit in list(goal.unit_line)[1:]
    return False
