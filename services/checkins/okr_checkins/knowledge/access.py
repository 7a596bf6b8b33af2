"""Who may check in on a key result and see it: the shared access rules (`okr_shared.access`)
over the service's knowledge of goals.

Facts come from the knowledge documents through `lookup` (`okr_shared.access_facts`), each read
only when a rule needs it; reading an objective is `access_facts.may_read`.
"""

from __future__ import annotations

from okr_checkins.knowledge.domain import Doc, contributors
from okr_shared import access as rules
from okr_shared.access_facts import Lookup, actor_of, goal_facts, manager_chain, may_read
from okr_shared.event_meta import Caller


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
