"""Who may score a key result in a review: the shared access rules (`okr_shared.access`) over the
service's knowledge, with facts built by `okr_shared.access_facts` (reading an objective is
`access_facts.may_read`).

- Self-assessment: the people answerable for the key result (`access.answerable_for`: its owner,
  else the objective's owning person); for a unit-owned objective's key result without an owner,
  the people whose unit is the objective's unit or a unit above it.
- Manager score: everyone above those people in the manager chain; for a unit-owned objective's
  key result without an owner, the people of a unit strictly above the objective's unit.
"""

from __future__ import annotations

from okr_reviews.knowledge.domain import Doc
from okr_shared import access as rules
from okr_shared.access_facts import Lookup, actor_of, goal_facts, manager_chain
from okr_shared.event_meta import Caller


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
