"""The Objective aggregate: what a company, department, team or person sets out to reach."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_goals.domain.errors import InvalidField, KeyResultNotFound

LEVELS = ("company", "department", "team", "individual")
OBJECTIVE_REVISABLE = ("title", "description", "owner_id")
KEY_RESULT_REVISABLE = ("title", "start", "target", "unit", "weight")
TITLE_MAX = 200
DESCRIPTION_MAX = 4000


@dataclass(frozen=True)
class EventMeta:
    """Who caused an event and within which request: recorded on every event."""

    tenant_id: str
    actor_id: str
    correlation_id: str
    causation_id: str
    traceparent: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class KeyResult:
    """A measurable result: moves from `start` to `target`, counted with `weight` (0..1)."""

    key_result_id: str
    title: str
    start: float
    target: float
    unit: str
    weight: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeyResult:
        return cls(**data)


def validate_key_result(kr: KeyResult, pointer: str) -> None:
    """Raises InvalidField naming the first field of the key result that breaks a rule."""
    _check_title(kr.title, f"{pointer}/title")
    for name in ("start", "target", "weight"):
        value = getattr(kr, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidField(f"{pointer}/{name}", "must be a finite number")
    if kr.target == kr.start:
        raise InvalidField(f"{pointer}/target", "must differ from start")
    if not 0 <= kr.weight <= 1:
        raise InvalidField(f"{pointer}/weight", "must be between 0 and 1")
    if len(kr.unit) > 40:
        raise InvalidField(f"{pointer}/unit", "must be at most 40 characters")


def _check_title(title: str, pointer: str) -> None:
    if not title.strip():
        raise InvalidField(pointer, "must not be blank")
    if len(title) > TITLE_MAX:
        raise InvalidField(pointer, f"must be at most {TITLE_MAX} characters")


def validate_objective_fields(fields: dict[str, Any]) -> None:
    """Checks objective-level fields present in `fields`."""
    if "title" in fields:
        _check_title(fields["title"], "#/title")
    if "description" in fields and len(fields["description"]) > DESCRIPTION_MAX:
        raise InvalidField("#/description", f"must be at most {DESCRIPTION_MAX} characters")
    if "owner_id" in fields and not str(fields["owner_id"]).strip():
        raise InvalidField("#/owner_id", "must not be blank")
    if "level" in fields and fields["level"] not in LEVELS:
        raise InvalidField("#/level", f"must be one of {', '.join(LEVELS)}")
    if "cycle_id" in fields and not str(fields["cycle_id"]).strip():
        raise InvalidField("#/cycle_id", "must not be blank")


class Objective(Aggregate):
    """An objective with its key results; every change is an event carrying who and why."""

    @event("Created")
    def __init__(
        self,
        tenant_id: str,
        title: str,
        description: str,
        owner_id: str,
        level: str,
        cycle_id: str,
        key_results: list[dict[str, Any]],
        meta: dict[str, Any],
        request_fingerprint: str | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.title = title
        self.description = description
        self.owner_id = owner_id
        self.level = level
        self.cycle_id = cycle_id
        self.key_results = [KeyResult.from_dict(kr) for kr in key_results]
        self.request_fingerprint = request_fingerprint
        self.created_by = meta["actor_id"]

    @classmethod
    def create(
        cls,
        *,
        objective_id: Any,
        title: str,
        description: str,
        owner_id: str,
        level: str,
        cycle_id: str,
        key_results: list[KeyResult],
        meta: EventMeta,
        request_fingerprint: str | None = None,
    ) -> Objective:
        """Validates and sets a new objective."""
        validate_objective_fields(
            {"title": title, "description": description, "owner_id": owner_id, "level": level, "cycle_id": cycle_id}
        )
        for i, kr in enumerate(key_results):
            validate_key_result(kr, f"#/key_results/{i}")
        return cls._create(
            cls.Created,
            id=objective_id,
            tenant_id=meta.tenant_id,
            title=title,
            description=description,
            owner_id=owner_id,
            level=level,
            cycle_id=cycle_id,
            key_results=[kr.as_dict() for kr in key_results],
            meta=meta.as_dict(),
            request_fingerprint=request_fingerprint,
        )

    def key_result(self, key_result_id: str) -> KeyResult:
        for kr in self.key_results:
            if kr.key_result_id == key_result_id:
                return kr
        raise KeyResultNotFound(key_result_id)

    def add_key_result(self, key_result: KeyResult, meta: EventMeta) -> None:
        """Adds a key result after checking it."""
        validate_key_result(key_result, "#")
        self._key_result_added(key_result=key_result.as_dict(), meta=meta.as_dict())

    @event("KeyResultAdded")
    def _key_result_added(self, key_result: dict[str, Any], meta: dict[str, Any]) -> None:
        self.key_results.append(KeyResult.from_dict(key_result))

    def revise(self, changes: dict[str, Any], reason: str | None, meta: EventMeta) -> None:
        """Changes title, description or owner; unchanged values are dropped, an empty change refused."""
        unknown = set(changes) - set(OBJECTIVE_REVISABLE)
        if unknown:
            raise InvalidField(f"#/{sorted(unknown)[0]}", "cannot be revised")
        validate_objective_fields(changes)
        effective = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if not effective:
            raise InvalidField("#", "the revision changes nothing")
        previous = {k: getattr(self, k) for k in effective}
        self._revised(changes=effective, previous=previous, reason=reason, meta=meta.as_dict())

    @event("Revised")
    def _revised(self, changes: dict[str, Any], previous: dict[str, Any], reason: str | None, meta: dict[str, Any]) -> None:
        for name, value in changes.items():
            setattr(self, name, value)

    def revise_key_result(self, key_result_id: str, changes: dict[str, Any], reason: str | None, meta: EventMeta) -> None:
        """Changes fields of one key result; the old values stay in the event history."""
        current = self.key_result(key_result_id)
        unknown = set(changes) - set(KEY_RESULT_REVISABLE)
        if unknown:
            raise InvalidField(f"#/{sorted(unknown)[0]}", "cannot be revised")
        revised = replace(current, **changes)
        validate_key_result(revised, "#")
        effective = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if not effective:
            raise InvalidField("#", "the revision changes nothing")
        previous = {k: getattr(current, k) for k in effective}
        self._key_result_revised(
            key_result_id=key_result_id, changes=effective, previous=previous, reason=reason, meta=meta.as_dict()
        )

    @event("KeyResultRevised")
    def _key_result_revised(
        self, key_result_id: str, changes: dict[str, Any], previous: dict[str, Any], reason: str | None, meta: dict[str, Any]
    ) -> None:
        self.key_results = [
            replace(kr, **changes) if kr.key_result_id == key_result_id else kr for kr in self.key_results
        ]
