"""Who writes and reads a retrospective: the shared access rules (`okr_shared.access`) over the
service's knowledge, with facts from `okr_shared.access_facts`. Never across tenants.

Write (while the cycle is in grading or closed):
- an objective's: whoever may change the objective (`access.may_change`: admins; a
  person-owned objective's owner and everyone above the owner in the manager chain; a
  unit-owned objective's people of that unit or a unit above);
- a team's: admins, and the people whose unit is the team or a unit above it (as for a goal the
  team owns; the `manager` role grants nothing of its own).

Read (besides the writers):
- `shared`: an objective's, whoever may read the objective (`access.may_read`); a team's,
  everyone of the tenant with a position, admins and auditors.
- `team`: an objective's, those of them who are its owner, in the manager chain above a person
  owner, or whose unit is the objective's unit or a unit above it, and admins and auditors;
  a team's, the people whose unit is the team or a unit above it, admins and auditors.

What the caller may not read does not exist for them: 404, never 403.
"""

from __future__ import annotations

from okr_reviews.retrospectives.domain import OBJECTIVE, SHARED, Doc
from okr_shared import access as rules
from okr_shared.access_facts import Lookup, actor_of, goal_facts, unit_ancestry
from okr_shared.event_meta import Caller

EVERYTHING_READERS = frozenset({rules.ADMIN, rules.AUDITOR})


def _own_unit(actor: rules.Actor) -> str | None:
    if not rules.holds_position(actor.roles) or not actor.unit_line:
        return None
    return actor.unit_line[0]


def _in_or_below(actor: rules.Actor, lookup: Lookup, org_unit_id: str) -> bool:
    """Whether the actor's unit is the team or a unit above it."""
    unit = _own_unit(actor)
    return unit is not None and unit in unit_ancestry(lookup, org_unit_id)


def may_write(lookup: Lookup, caller: Caller, kind: str, subject: Doc) -> bool:
    """Whether the caller may write the retrospective of the known objective or org unit."""
    actor = actor_of(lookup, caller)
    if kind == OBJECTIVE:
        return rules.may_change(actor, goal_facts(lookup, caller.tenant_id, subject))
    if rules.ADMIN in actor.roles:
        return True
    return _in_or_below(actor, lookup, subject["org_unit_id"])


def may_read(lookup: Lookup, caller: Caller, kind: str, subject: Doc, sharing: str) -> bool:
    """Whether the caller may read a retrospective of the known objective or org unit shared
    that way."""
    actor = actor_of(lookup, caller)
    if kind == OBJECTIVE:
        goal = goal_facts(lookup, caller.tenant_id, subject)
        if not rules.may_read(actor, goal):
            return False
        return sharing == SHARED or _in_objective_team(actor, goal)
    if actor.roles & EVERYTHING_READERS:
        return True
    if sharing == SHARED:
        return rules.holds_position(actor.roles)
    return _in_or_below(actor, lookup, subject["org_unit_id"])


def _in_objective_team(actor: rules.Actor, goal: rules.GoalFacts) -> bool:
    if actor.roles & EVERYTHING_READERS or rules.may_change(actor, goal):
        return True
    if not rules.holds_position(actor.roles):
        return False
    if goal.owner_type == rules.PERSON and (
        actor.person_id == goal.owner_id or actor.person_id in goal.owner_managers
    ):
        return True
    unit = _own_unit(actor)
    return unit is not None and unit in goal.unit_line
