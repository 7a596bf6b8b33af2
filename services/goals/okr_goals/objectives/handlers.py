"""Objective commands: set objectives, revise them, add key results and initiatives."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from okr_goals import access
from okr_goals.cycles.domain import Cycle
from okr_goals.errors import (
    CycleLocked,
    Forbidden,
    IdempotencyConflict,
    InvalidField,
    ObjectiveNotFound,
    UnknownReference,
    VersionConflict,
)
from okr_goals.objectives.commands import (
    AddInitiative,
    AddKeyResult,
    Change,
    ChangeObjectiveStatus,
    CreateObjective,
    NewKeyResult,
    ReviseInitiative,
    ReviseKeyResult,
    ReviseObjective,
)
from okr_goals.objectives.domain import DEFAULT_COMMITMENT, Objective, check_supports
from okr_goals.objectives.key_results import Initiative, KeyResult
from okr_goals.store import GoalsStore, backoff, cycle_roster
from okr_shared.event_meta import Caller

_IDEMPOTENCY_NAMESPACE = UUID("6f1c8f0e-3b0a-4c55-9d1e-6a7c2b0f9e21")
_UNIT_LEVEL = {"company": "company", "department": "department", "team": "team"}


@dataclass(frozen=True)
class CreateResult:
    objective: Objective
    replayed: bool


def _fingerprint(command: CreateObjective) -> str:
    body = asdict(command)
    body.pop("idempotency_key")
    if body["commitment"] == DEFAULT_COMMITMENT:
        body.pop("commitment")  # as before commitments existed: a retry of then still matches
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


class ObjectiveHandlers:
    """Commands on objectives; every change checks rights, the cycle's rules and the expected
    version."""

    new_id: Callable[[], UUID] = staticmethod(uuid.uuid4)

    def __init__(self, store: GoalsStore) -> None:
        self.store = store

    # ---- reading

    def get_objective(
        self,
        caller: Caller,
        objective_id: str | UUID,
        version: int | None = None,
        at: datetime | None = None,
    ) -> Objective:
        """The objective now, at a version or as of a time; invisible ones do not exist for the
        caller."""
        if at is not None:
            objective = self.store.as_of(Objective, objective_id, caller.tenant_id, at)
        else:
            objective = self.store.find(Objective, objective_id, caller.tenant_id, version)
        if objective is None or not access.may_read(self.store, caller, objective):
            raise ObjectiveNotFound(str(objective_id))
        return objective

    # ---- creating

    def create_objective(self, command: CreateObjective, caller: Caller) -> CreateResult:
        """Sets a new objective; with an idempotency key, a retry returns the first result."""
        fingerprint = _fingerprint(command)
        if command.idempotency_key:
            objective_id = uuid.uuid5(
                _IDEMPOTENCY_NAMESPACE, f"{caller.tenant_id}\x00{command.idempotency_key}"
            )
            existing = self.store.find(Objective, objective_id, caller.tenant_id)
            if existing is not None:
                return self._replay(existing, fingerprint)
        else:
            objective_id = self.new_id()
        cycle = self.cycle_ref(caller, command.cycle_id, "#/cycle_id")
        if cycle.is_locked:
            raise CycleLocked("#/cycle_id", f"cycle {cycle.cycle_id} is closed")
        org_unit_id = self.resolve_owner(
            caller, command.level, command.owner_type, command.owner_id, "#"
        )
        key_results = [
            self.key_result_of(caller, kr, f"#/key_results/{i}")
            for i, kr in enumerate(command.key_results)
        ]
        direct, proposed = self._split_parents(caller, command)
        for attempt in range(8):
            objective = Objective.create(
                objective_id=objective_id,
                title=command.title,
                description=command.description,
                level=command.level,
                owner_type=command.owner_type,
                owner_id=command.owner_id,
                org_unit_id=org_unit_id,
                cycle_id=command.cycle_id,
                tags=list(command.tags),
                visibility=command.visibility,
                status=command.status,
                commitment=command.commitment,
                key_results=key_results,
                alignments=direct,
                meta=caller.meta,
                request_fingerprint=fingerprint if command.idempotency_key else None,
            )
            for parent_id, weight in proposed:
                objective.propose_alignment(
                    str(self.new_id()), parent_id, weight, None, caller.meta
                )
            roster = self.store.roster(
                caller.tenant_id, cycle_roster(command.cycle_id, objective_id)
            )
            roster.enrol([str(objective_id)])
            try:
                self.store.save(objective, roster)
                return CreateResult(objective, replayed=False)
            except IntegrityError:
                existing = self.store.find(Objective, objective_id, caller.tenant_id)
                if existing is not None:
                    return self._replay(existing, fingerprint)
                if attempt == 7:
                    raise
                backoff(attempt)
        raise AssertionError("unreachable")

    def _split_parents(self, caller: Caller, command: CreateObjective) -> tuple[list, list]:
        """Parents the caller decides for are linked at once (top-down); the others are proposed."""
        direct, proposed = [], []
        for i, (parent_id, weight) in enumerate(command.aligned_to):
            pointer = f"#/aligned_to/{i}/parent_objective_id"
            parent = self.store.find(Objective, parent_id, caller.tenant_id)
            if parent is None or not access.may_read(self.store, caller, parent):
                raise UnknownReference(pointer, f"unknown objective {parent_id}")
            check_supports(command.level, parent.level, pointer)
            (direct if access.may_change(self.store, caller, parent) else proposed).append(
                (str(parent.id), weight)
            )
        return direct, proposed

    def _replay(self, existing: Objective, fingerprint: str) -> CreateResult:
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyConflict(
                "the idempotency key was already used for a different objective"
            )
        first = self.store.repository.get(existing.id, version=1)
        return CreateResult(first if isinstance(first, Objective) else existing, replayed=True)

    # ---- references

    def cycle_ref(self, caller: Caller, cycle_id: str, pointer: str) -> Cycle:
        cycle = self.store.find_cycle(caller.tenant_id, cycle_id)
        if cycle is None:
            raise UnknownReference(pointer, f"unknown cycle {cycle_id}")
        return cycle

    def resolve_owner(
        self, caller: Caller, level: str, owner_type: str, owner_id: str, pointer: str
    ) -> str | None:
        """Checks the owner exists and the caller may act for them; returns the org unit the goal
        belongs to."""
        if owner_type == "person":
            person = self.store.find_person(caller.tenant_id, owner_id)
            if person is None or not person.active:
                raise UnknownReference(
                    f"{pointer}/owner_id", f"unknown or departed person {owner_id}"
                )
            org_unit_id = person.org_unit_id
        elif owner_type == "org_unit":
            unit = self.store.find_unit(caller.tenant_id, owner_id)
            if unit is None:
                raise UnknownReference(f"{pointer}/owner_id", f"unknown org unit {owner_id}")
            if _UNIT_LEVEL[unit.kind] != level:
                raise InvalidField(
                    f"{pointer}/level",
                    f"an objective owned by the {unit.kind} {owner_id} "
                    f"is a {unit.kind} objective, not {level}",
                )
            org_unit_id = unit.org_unit_id
        else:
            raise InvalidField(f"{pointer}/owner_type", "must be person or org_unit")
        if not access.may_act_for(self.store, caller, owner_type, owner_id):
            raise Forbidden(
                f"{pointer}/owner_id", f"you may not set or change goals owned by {owner_id}"
            )
        return org_unit_id

    def person_ref(self, caller: Caller, person_id: str, pointer: str) -> None:
        person = self.store.find_person(caller.tenant_id, person_id)
        if person is None or not person.active:
            raise UnknownReference(pointer, f"unknown or departed person {person_id}")

    def key_result_of(self, caller: Caller, kr: NewKeyResult, pointer: str) -> KeyResult:
        if kr.owner_id is not None:
            self.person_ref(caller, kr.owner_id, f"{pointer}/owner_id")
        return KeyResult(
            key_result_id=str(self.new_id()),
            title=kr.title,
            kind=kr.kind,
            owner_id=kr.owner_id,
            weight=kr.weight,
            unit="%" if kr.kind == "percentage" and not kr.unit else kr.unit,
            start=kr.start,
            target=kr.target,
            currency=kr.currency,
            baseline=kr.baseline,
            lower=kr.lower,
            upper=kr.upper,
        )

    # ---- changing

    def load_for_change(
        self, change: Change, caller: Caller, *, as_owner: bool = True
    ) -> Objective:
        """Loads the objective and checks version, rights and the rules of its cycle."""
        objective = self.get_objective(caller, change.objective_id)
        if objective.version != change.expected_version:
            raise VersionConflict(change.expected_version, objective.version)
        if as_owner and not access.may_change(self.store, caller, objective):
            raise Forbidden("#", f"you may not change objective {objective.id}")
        cycle = self.cycle_ref(caller, objective.cycle_id, "#/cycle_id")
        cycle.check_change(change.reason, change.correction, caller.is_admin)
        return objective

    def revise_objective(self, command: ReviseObjective, caller: Caller) -> Objective:
        change = command.change
        objective = self.load_for_change(change, caller)
        changes = dict(command.changes)
        if "owner_id" in changes or "owner_type" in changes:
            owner_type = changes.get("owner_type", objective.owner_type)
            owner_id = changes.get("owner_id", objective.owner_id)
            changes["org_unit_id"] = self.resolve_owner(
                caller, objective.level, owner_type, owner_id, "#"
            )
        objective.revise(changes, change.reason, change.correction, caller.meta)
        self.store.save_checked([objective], change.expected_version)
        return objective

    def change_status(self, command: ChangeObjectiveStatus, caller: Caller) -> Objective:
        change = command.change
        objective = self.load_for_change(change, caller)
        objective.change_status(command.status, change.reason, change.correction, caller.meta)
        self.store.save_checked([objective], change.expected_version)
        return objective

    def add_key_result(self, command: AddKeyResult, caller: Caller) -> Objective:
        change = command.change
        objective = self.load_for_change(change, caller)
        key_result = self.key_result_of(caller, command.key_result, "#")
        objective.add_key_result(key_result, change.reason, change.correction, caller.meta)
        self.store.save_checked([objective], change.expected_version)
        return objective

    def revise_key_result(self, command: ReviseKeyResult, caller: Caller) -> Objective:
        change = command.change
        objective = self.load_for_change(change, caller)
        if command.changes.get("owner_id") is not None:
            self.person_ref(caller, command.changes["owner_id"], "#/owner_id")
        objective.revise_key_result(
            command.key_result_id,
            dict(command.changes),
            change.reason,
            change.correction,
            caller.meta,
        )
        self.store.save_checked([objective], change.expected_version)
        return objective

    def add_initiative(
        self, command: AddInitiative, caller: Caller
    ) -> tuple[Objective, Initiative]:
        change = command.change
        objective = self.load_for_change(change, caller)
        self.person_ref(caller, command.owner_id, "#/owner_id")
        initiative = Initiative(
            initiative_id=str(self.new_id()),
            key_result_id=command.key_result_id,
            title=command.title,
            owner_id=command.owner_id,
            due_on=command.due_on.isoformat() if command.due_on else None,
            deliverable=command.deliverable,
            status=command.status,
        )
        objective.add_initiative(initiative, change.reason, change.correction, caller.meta)
        self.store.save_checked([objective], change.expected_version)
        return objective, initiative

    def revise_initiative(self, command: ReviseInitiative, caller: Caller) -> Objective:
        change = command.change
        objective = self.get_objective(caller, change.objective_id)
        initiative = objective.initiative(command.initiative_id)
        is_owner = initiative.owner_id == caller.actor_id
        objective = self.load_for_change(change, caller, as_owner=not is_owner)
        changes = dict(command.changes)
        for field in sorted(changes):
            owner_id = initiative.owner_id
            if not access.may_revise_initiative(self.store, caller, objective, owner_id, field):
                raise Forbidden(f"#/{field}", "the initiative's owner may only move its status")
        if changes.get("owner_id") is not None:
            self.person_ref(caller, changes["owner_id"], "#/owner_id")
        if changes.get("due_on") is not None:
            changes["due_on"] = changes["due_on"].isoformat()
        objective.revise_initiative(
            command.initiative_id, changes, change.reason, change.correction, caller.meta
        )
        self.store.save_checked([objective], change.expected_version)
        return objective
