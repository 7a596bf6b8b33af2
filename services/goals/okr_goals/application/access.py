"""Who may change and who may read which goals, from the organisation directory.

- Admins may do anything in their tenant.
- A person-owned goal may be changed by its owner and anyone above them in the manager chain.
- An org-unit-owned goal may be changed by people who sit in that unit or in a unit above it.
- Readers see public objectives; `org_unit` ones if they sit in the objective's unit or below
  it, or may change it; `private` ones only if they may change it.
"""

from __future__ import annotations

from okr_shared.event_meta import Caller
from okr_goals.application.store import GoalsStore
from okr_goals.domain.objective import Objective

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
    while current is not None and current not in chain and current != person_id and len(chain) < MAX_DEPTH:
        chain.append(current)
        manager = store.find_person(tenant_id, current)
        current = manager.manager_id if manager is not None else None
    return chain


def may_act_for(store: GoalsStore, caller: Caller, owner_type: str, owner_id: str) -> bool:
    """Whether the caller may set or change goals owned by that person or unit."""
    if caller.is_admin:
        return True
    if owner_type == "person":
        return caller.actor_id == owner_id or caller.actor_id in manager_chain(store, caller.tenant_id, owner_id)
    me = store.find_person(caller.tenant_id, caller.actor_id)
    if me is None or not me.active or me.org_unit_id is None:
        return False
    return me.org_unit_id in unit_ancestry(store, caller.tenant_id, owner_id)


def may_change(store: GoalsStore, caller: Caller, objective: Objective) -> bool:
    return may_act_for(store, caller, objective.owner_type, objective.owner_id)


def may_read(store: GoalsStore, caller: Caller, objective: Objective) -> bool:
    if objective.visibility == "public" or caller.is_admin:
        return True
    if may_change(store, caller, objective):
        return True
    if objective.visibility == "org_unit" and objective.org_unit_id is not None:
        me = store.find_person(caller.tenant_id, caller.actor_id)
        if me is not None and me.active and me.org_unit_id is not None:
            return objective.org_unit_id in unit_ancestry(store, caller.tenant_id, me.org_unit_id)
    return False
