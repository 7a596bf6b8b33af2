"""The org-unit scope of reviews: the unit an objective belongs to (a person-owned objective: its
owner's unit; a unit-owned one: that unit), whether it lies in a unit's subtree, and who leads a
unit (the rule behind unit finalisation and calibration sessions).

A person leads a unit, for a set of roles, when they hold one of those roles, speak for a
position (`okr_shared.access.holds_position`) and their own unit is that unit or a unit above it;
an admin of the tenant counts as leading every unit. Facts come from `okr_shared.access_facts`.
"""

from __future__ import annotations

from collections.abc import Collection

from okr_shared import access as rules
from okr_shared.access_facts import Doc, Lookup, actor_of, unit_ancestry
from okr_shared.event_meta import Caller


def objective_unit(lookup: Lookup, objective: Doc) -> str | None:
    """The unit the objective counts under: the owning unit, else its owner's unit."""
    if objective["owner_type"] == rules.ORG_UNIT:
        return objective["owner_id"]
    person = lookup("person", objective["owner_id"])
    return person.get("org_unit_id") if person else None


def objective_manager(lookup: Lookup, objective: Doc) -> str | None:
    """The manager of a person-owned objective's owner; None for unit-owned objectives."""
    if objective["owner_type"] != rules.PERSON:
        return None
    person = lookup("person", objective["owner_id"])
    return person.get("manager_id") if person else None


def in_subtree(lookup: Lookup, objective: Doc, org_unit_id: str) -> bool:
    """Whether the objective's unit is `org_unit_id` or a unit below it."""
    return org_unit_id in unit_ancestry(lookup, objective_unit(lookup, objective))


def leads(lookup: Lookup, caller: Caller, org_unit_id: str, roles: Collection[str]) -> bool:
    """Whether the caller is an admin, or holds one of `roles` in that unit or a unit above."""
    actor = actor_of(lookup, caller)
    if rules.ADMIN in actor.roles:
        return True
    if not rules.holds_position(actor.roles) or not actor.roles & set(roles):
        return False
    own = actor.unit_line[0] if actor.unit_line else None
    return own is not None and own in unit_ancestry(lookup, org_unit_id)
