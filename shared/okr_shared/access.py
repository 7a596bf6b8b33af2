"""Who may read and change which goals, check in and see whose work: the rules of every service.

Pure functions over plain facts; each service builds the facts from its own store.

- Never across tenants: an actor of another tenant reads and changes nothing.
- Roles: `admin` reads and changes everything in its tenant; `auditor` reads everything in its
  tenant (private included) and changes nothing; `leader` reads every `public` and `org_unit`
  objective of its tenant and otherwise has a member's rights; `manager` and `member` have no
  rights beyond the actor's position in the directory (being someone's manager is a directory
  fact, not a role); `integration` reads public objectives, feeds check-ins for any key result
  of its tenant and changes no goal. Rights of several roles add up. A token without roles is a
  member; one whose roles are only `auditor` and `integration` speaks for no position.
- Change: a person-owned goal by its owner and everyone above the owner in the manager chain;
  an org-unit-owned goal by the people whose unit is that unit or a unit above it.
- Read: whoever may change a goal reads it. `public`: everyone in the tenant. `org_unit`: also
  the people whose unit is the objective's unit, a unit below it or a unit above it.
  `private`: only those who may change it. A departed person has no unit.
- Check-in on a key result: admins, integrations, the people answerable for it (its owner, else
  the objective's owning person; its contributors), everyone above them in the manager chain,
  and for a unit-owned objective's key result without an owner the people of that unit or above.
- Initiative: its owner may move its status; every other field needs the right to change the
  objective.
- The work asked of a person (check-ins due): themselves, everyone above them, admins, auditors.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from okr_shared.contracts import vocabulary

ADMIN = "admin"
AUDITOR = "auditor"
LEADER = "leader"
MANAGER = "manager"
MEMBER = "member"
INTEGRATION = "integration"
ROLES = (ADMIN, LEADER, MANAGER, MEMBER, AUDITOR, INTEGRATION)
NO_POSITION_ROLES = frozenset({AUDITOR, INTEGRATION})

PERSON, ORG_UNIT = vocabulary.choose(vocabulary.OWNER_TYPES, "person", "org_unit")
PUBLIC, _, PRIVATE = vocabulary.choose(vocabulary.VISIBILITIES, "public", "org_unit", "private")
VISIBILITIES = vocabulary.VISIBILITIES
INITIATIVE_OWNER_FIELDS = frozenset({"status"})


class Deferred(Sequence[str]):
    """A list of ids computed on first use, for facts that cost a lookup only some rules need."""

    def __init__(self, compute: Callable[[], Iterable[str]]) -> None:
        self._compute = compute
        self._items: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._items is None:
            self._items = tuple(self._compute())
        return self._items

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, item: object) -> bool:
        return item in self._all()


@dataclass(frozen=True)
class Actor:
    """Who asks: tenant, person id, roles and where the directory places them."""

    tenant_id: str
    person_id: str
    roles: frozenset[str] = frozenset()
    unit_line: Sequence[str] = ()
    """The actor's org unit, then every unit above it; empty with no unit or after leaving."""


@dataclass(frozen=True)
class GoalFacts:
    """What the rules need to know about an objective (or about the owner of one being set)."""

    tenant_id: str
    owner_type: str
    owner_id: str
    visibility: str = PRIVATE
    unit_line: Sequence[str] = ()
    """The objective's unit (for a unit-owned goal, the owning unit), then every unit above it."""
    owner_managers: Collection[str] = ()
    """Everyone above a person owner in the manager chain."""


@dataclass(frozen=True)
class KeyResultFacts:
    """A key result's owner, who answers for it (see `answerable_for`) and everyone above them."""

    owner_id: str | None = None
    answerable: Collection[str] = ()
    managers: Collection[str] = ()


def holds_position(roles: Collection[str]) -> bool:
    """Whether the roles give the rights of the actor's position in the directory."""
    return not roles or not set(roles) <= NO_POSITION_ROLES


def _unit_line(actor: Actor) -> Sequence[str]:
    return actor.unit_line if holds_position(actor.roles) else ()


def _own_unit(actor: Actor) -> str | None:
    line = _unit_line(actor)
    return line[0] if line else None


def may_change(actor: Actor, goal: GoalFacts) -> bool:
    """Whether the actor may set or change a goal with that owner."""
    if actor.tenant_id != goal.tenant_id:
        return False
    if ADMIN in actor.roles:
        return True
    if not holds_position(actor.roles):
        return False
    if goal.owner_type == PERSON:
        return actor.person_id == goal.owner_id or actor.person_id in goal.owner_managers
    if goal.owner_type == ORG_UNIT:
        unit = _own_unit(actor)
        return unit is not None and unit in goal.unit_line
    return False


def may_read(actor: Actor, goal: GoalFacts) -> bool:
    """Whether the actor may see the objective (everyone who may change it may)."""
    if actor.tenant_id != goal.tenant_id:
        return False
    if actor.roles & {ADMIN, AUDITOR} or goal.visibility == PUBLIC:
        return True
    if goal.visibility == ORG_UNIT and LEADER in actor.roles:
        return True
    if may_change(actor, goal):
        return True
    if goal.visibility != ORG_UNIT or not goal.unit_line:
        return False
    unit = _own_unit(actor)
    return unit is not None and (goal.unit_line[0] in _unit_line(actor) or unit in goal.unit_line)


def may_revise_initiative(
    actor: Actor, goal: GoalFacts, initiative_owner_id: str, field: str
) -> bool:
    """Whether the actor may change that field of an initiative under the objective."""
    if may_change(actor, goal):
        return True
    return (
        field in INITIATIVE_OWNER_FIELDS
        and actor.tenant_id == goal.tenant_id
        and holds_position(actor.roles)
        and actor.person_id == initiative_owner_id
    )


def answerable_for(
    goal: GoalFacts, key_result_owner_id: str | None, contributors: Iterable[str]
) -> frozenset[str]:
    """The people answerable for a key result: its owner (else the owning person), contributors."""
    owner = key_result_owner_id or (goal.owner_id if goal.owner_type == PERSON else None)
    return frozenset([*([owner] if owner else []), *contributors])


def may_check_in(actor: Actor, goal: GoalFacts, key_result: KeyResultFacts) -> bool:
    """Whether the actor may record a check-in on the key result."""
    if actor.tenant_id != goal.tenant_id:
        return False
    if actor.roles & {ADMIN, INTEGRATION}:
        return True
    if not holds_position(actor.roles):
        return False
    if actor.person_id in key_result.answerable or actor.person_id in key_result.managers:
        return True
    if goal.owner_type == ORG_UNIT and not key_result.owner_id:
        unit = _own_unit(actor)
        return unit is not None and unit in goal.unit_line
    return False


def may_see_work_of(
    actor: Actor, tenant_id: str, person_id: str, managers: Collection[str]
) -> bool:
    """Whether the actor may see what is asked of the person (`managers`: everyone above them)."""
    if actor.tenant_id != tenant_id:
        return False
    if actor.roles & {ADMIN, AUDITOR}:
        return True
    return holds_position(actor.roles) and (
        actor.person_id == person_id or actor.person_id in managers
    )
