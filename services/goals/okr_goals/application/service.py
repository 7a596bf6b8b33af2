"""The goal application: loads objectives, runs domain methods, saves their events."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Transcoder, Transcoding

from okr_goals.application.commands import (
    AddKeyResult,
    CreateObjective,
    NewKeyResult,
    ReviseKeyResult,
    ReviseObjective,
)
from okr_goals.domain.errors import IdempotencyConflict, InvalidField, ObjectiveNotFound, VersionConflict
from okr_goals.domain.objective import EventMeta, KeyResult, Objective

_IDEMPOTENCY_NAMESPACE = UUID("6f1c8f0e-3b0a-4c55-9d1e-6a7c2b0f9e21")


@dataclass(frozen=True)
class CreateResult:
    objective: Objective
    replayed: bool


def _fingerprint(command: CreateObjective) -> str:
    body = asdict(command)
    body.pop("idempotency_key")
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


class KeyResultAsDict(Transcoding):
    """Stores key results inside snapshots as plain dicts."""

    type = KeyResult
    name = "okr_key_result"

    def encode(self, obj: KeyResult) -> dict[str, Any]:
        return obj.as_dict()

    def decode(self, data: dict[str, Any]) -> KeyResult:
        return KeyResult.from_dict(data)


class GoalsApplication(Application[UUID]):
    """Event-sourced objectives: every change is kept, any past version can be read."""

    name = "goals"
    snapshotting_intervals = {Objective: 200}

    def __init__(self, env: dict[str, str] | None = None, new_id: Callable[[], UUID] = uuid.uuid4) -> None:
        super().__init__(env)
        self._new_id = new_id

    def register_transcodings(self, transcoder: Transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(KeyResultAsDict())

    def create_objective(self, command: CreateObjective, meta: EventMeta) -> CreateResult:
        """Sets a new objective; with an idempotency key, a retry returns the first result."""
        fingerprint = _fingerprint(command)
        if command.idempotency_key:
            objective_id = uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{meta.tenant_id}\x00{command.idempotency_key}")
            existing = self._find(objective_id)
            if existing is not None:
                return self._replay(existing, meta, fingerprint)
        else:
            objective_id = self._new_id()
        objective = Objective.create(
            objective_id=objective_id,
            title=command.title,
            description=command.description,
            owner_id=command.owner_id,
            level=command.level,
            cycle_id=command.cycle_id,
            key_results=[self._key_result(kr) for kr in command.key_results],
            meta=meta,
            request_fingerprint=fingerprint if command.idempotency_key else None,
        )
        try:
            self.save(objective)
        except IntegrityError:
            existing = self._find(objective_id)
            if existing is None:
                raise
            return self._replay(existing, meta, fingerprint)
        return CreateResult(objective, replayed=False)

    def add_key_result(self, command: AddKeyResult, meta: EventMeta) -> Objective:
        objective = self._load_for_change(command.objective_id, command.expected_version, meta)
        objective.add_key_result(self._key_result(command.key_result), meta)
        return self._save(objective, command.expected_version)

    def revise_objective(self, command: ReviseObjective, meta: EventMeta) -> Objective:
        objective = self._load_for_change(command.objective_id, command.expected_version, meta)
        objective.revise(dict(command.changes), command.reason, meta)
        return self._save(objective, command.expected_version)

    def revise_key_result(self, command: ReviseKeyResult, meta: EventMeta) -> Objective:
        objective = self._load_for_change(command.objective_id, command.expected_version, meta)
        objective.revise_key_result(command.key_result_id, dict(command.changes), command.reason, meta)
        return self._save(objective, command.expected_version)

    def get_objective(self, tenant_id: str, objective_id: str | UUID, version: int | None = None) -> Objective:
        """The objective as it is now, or as it was at `version`; other tenants' objectives do not exist."""
        objective = self._find(objective_id, version)
        if objective is None or objective.tenant_id != tenant_id:
            raise ObjectiveNotFound(str(objective_id))
        return objective

    def history(self, tenant_id: str, objective_id: str | UUID) -> list[Any]:
        """Every stored event of the objective, oldest first."""
        self.get_objective(tenant_id, objective_id, version=1)
        return list(self.events.get(_as_uuid(objective_id)))

    def _find(self, objective_id: str | UUID, version: int | None = None) -> Objective | None:
        try:
            uid = _as_uuid(objective_id)
        except ValueError:
            return None
        try:
            aggregate = self.repository.get(uid, version=version)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, Objective) else None

    def _replay(self, existing: Objective, meta: EventMeta, fingerprint: str) -> CreateResult:
        if existing.tenant_id != meta.tenant_id or existing.request_fingerprint != fingerprint:
            raise IdempotencyConflict("the idempotency key was already used for a different objective")
        first = self.repository.get(existing.id, version=1)
        return CreateResult(first if isinstance(first, Objective) else existing, replayed=True)

    def _load_for_change(self, objective_id: str, expected_version: int, meta: EventMeta) -> Objective:
        objective = self.get_objective(meta.tenant_id, objective_id)
        if objective.version != expected_version:
            raise VersionConflict(expected_version, objective.version)
        return objective

    def _save(self, objective: Objective, expected_version: int) -> Objective:
        try:
            self.save(objective)
        except IntegrityError as exc:
            current = self._find(objective.id)
            raise VersionConflict(expected_version, current.version if current else None) from exc
        return objective

    def _key_result(self, kr: NewKeyResult) -> KeyResult:
        return KeyResult(
            key_result_id=str(self._new_id()),
            title=kr.title,
            start=kr.start,
            target=kr.target,
            unit=kr.unit,
            weight=kr.weight,
        )


def _as_uuid(value: str | UUID) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


__all__ = ["CreateResult", "GoalsApplication", "InvalidField"]
