"""The shared access rules (`okr_shared.access`) applied to the goal service's aggregates.

Facts come from the directory aggregates, each looked up only when a rule needs it.
"""

from __future__ import annotations

from okr_goals.objectives.domain import Objective
from okr_goals.store import GoalsStore
from okr_shared import access as rules
from okr_shared.event_meta import Caller

MAX_DEPTH = 64


def unit_ancestry(store: GoalsStore, tenant_id: str, org_unit_id: str | None) -> list[str]:
    """The unit followed by every unit above it, up to the company."""
    chain: list[str] = []
    current = org_unit_id
    while current is not None and current not in chain and len(chain) < MAX_DEPTH:
        chain.append(current)
        unit = store.find_unit(tenant_id, current)
        current = unit.parent_id if unit is not None else None
    return chain


def manager_chain(store: GoalsStore, tenant_id: str, person_id: str) -> list[str]:
    """Everyone above the person, nearest manager first."""
    chain: list[str] = []
    person = store.find_person(tenant_id, person_id)
    current = person.manager_id if person is not None else None
    while (
        current is not None
        and current not in chain
        and current != person_id
        and len(chain) < MAX_DEPTH
    ):
        chain.append(current)
        manager = store.find_person(tenant_id, current)
        current = manager.manager_id if manager is not None else None
    return chain


def actor_of(store: GoalsStore, caller: Caller) -> rules.Actor:
    """The caller with its unit line (none once departed) from the directory."""

    def line() -> list[str]:
        me = store.find_person(caller.tenant_id, caller.actor_id)
        if me is None or not me.active:
            return []
        return unit_ancestry(store, caller.tenant_id, me.org_unit_id)

    return rules.Actor(caller.tenant_id, caller.actor_id, caller.roles, rules.Deferred(line))


def owner_facts(
    store: GoalsStore,
    tenant_id: str,
    owner_type: str,
    owner_id: str,
    org_unit_id: str | None,
    visibility: str = rules.PRIVATE,
) -> rules.GoalFacts:
    """The facts about a goal with that owner, unit and visibility."""
    managers = rules.Deferred(
        lambda: manager_chain(store, tenant_id, owner_id) if owner_type == rules.PERSON else []
    )
    line = rules.Deferred(lambda: unit_ancestry(store, tenant_id, org_unit_id))
    return rules.GoalFacts(tenant_id, owner_type, owner_id, visibility, line, managers)


def goal_facts(store: GoalsStore, objective: Objective) -> rules.GoalFacts:
    return owner_facts(
        store,
        objective.tenant_id,
        objective.owner_type,
        objective.owner_id,
        objective.org_unit_id,
        objective.visibility,
    )


def may_act_for(store: GoalsStore, caller: Caller, owner_type: str, owner_id: str) -> bool:
    """Whether the caller may set or change goals owned by that person or unit."""
    unit_id = owner_id if owner_type == rules.ORG_UNIT else None
    return rules.may_change(
        actor_of(store, caller), owner_facts(store, caller.tenant_id, owner_type, owner_id, unit_id)
    )


def may_change(store: GoalsStore, caller: Caller, objective: Objective) -> bool:
    return rules.may_change(actor_of(store, caller), goal_facts(store, objective))


def may_read(store: GoalsStore, caller: Caller, objective: Objective) -> bool:
    return rules.may_read(actor_of(store, caller), goal_facts(store, objective))


def may_revise_initiative(
    store: GoalsStore, caller: Caller, objective: Objective, initiative_owner_id: str, field: str
) -> bool:
    return rules.may_revise_initiative(
        actor_of(store, caller), goal_facts(store, objective), initiative_owner_id, field
    )
