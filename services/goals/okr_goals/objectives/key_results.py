"""Key results of every kind, and the initiatives planned under them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from okr_goals.errors import InvalidField
from okr_goals.objectives.currencies import ISO_4217
from okr_shared.contracts.upcasters import key_result_v1_to_v2
from okr_shared.contracts.vocabulary import INITIATIVE_STATUSES
from okr_shared.progress import KINDS

TITLE_MAX = 200
_KIND_FIELDS = {
    "increase_to": {"start", "target"},
    "decrease_to": {"start", "target"},
    "percentage": {"start", "target"},
    "currency": {"start", "target", "currency"},
    "milestone": set(),
    "range": {"baseline", "lower", "upper"},
}
_OPTIONAL = ("start", "target", "currency", "baseline", "lower", "upper")


@dataclass(frozen=True)
class KeyResult:
    """A measurable result; which of the optional fields apply depends on `kind`."""

    key_result_id: str
    title: str
    kind: str
    owner_id: str | None
    weight: float
    unit: str = ""
    start: float | None = None
    target: float | None = None
    currency: str | None = None
    baseline: float | None = None
    lower: float | None = None
    upper: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeyResult:
        """Reads stored key results, including those written before kinds existed."""
        return cls(**upgrade_key_result(data))


def upgrade_key_result(data: dict[str, Any]) -> dict[str, Any]:
    """A key result stored before kinds existed (numeric only) in today's shape, as the contract
    upcaster reads it; others unchanged."""
    return dict(data) if "kind" in data else key_result_v1_to_v2(data)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_title(title: str, pointer: str) -> None:
    if not title.strip():
        raise InvalidField(pointer, "must not be blank")
    if len(title) > TITLE_MAX:
        raise InvalidField(pointer, f"must be at most {TITLE_MAX} characters")


def validate_key_result(kr: KeyResult, pointer: str) -> None:
    """Raises InvalidField naming the first field that disagrees with the key result's kind."""
    check_title(kr.title, f"{pointer}/title")
    if kr.kind not in KINDS:
        raise InvalidField(f"{pointer}/kind", f"must be one of {', '.join(KINDS)}")
    if not _number(kr.weight) or not 0 <= kr.weight <= 1:
        raise InvalidField(f"{pointer}/weight", "must be a number between 0 and 1")
    if len(kr.unit) > 40:
        raise InvalidField(f"{pointer}/unit", "must be at most 40 characters")
    wanted = _KIND_FIELDS[kr.kind]
    for name in _OPTIONAL:
        value = getattr(kr, name)
        if name in wanted and value is None:
            raise InvalidField(f"{pointer}/{name}", f"is required for a {kr.kind} key result")
        if name not in wanted and value is not None:
            raise InvalidField(f"{pointer}/{name}", f"does not apply to a {kr.kind} key result")
        if name != "currency" and value is not None and not _number(value):
            raise InvalidField(f"{pointer}/{name}", "must be a finite number")
    _check_kind_rules(kr, pointer)


def _check_kind_rules(kr: KeyResult, pointer: str) -> None:
    if kr.kind == "increase_to" and kr.target <= kr.start:
        raise InvalidField(f"{pointer}/target", "must be above start for an increase_to key result")
    if kr.kind == "decrease_to" and kr.target >= kr.start:
        raise InvalidField(f"{pointer}/target", "must be below start for a decrease_to key result")
    if kr.kind in ("percentage", "currency") and kr.target == kr.start:
        raise InvalidField(f"{pointer}/target", "must differ from start")
    if kr.kind == "percentage":
        for name in ("start", "target"):
            if not 0 <= getattr(kr, name) <= 100:
                raise InvalidField(f"{pointer}/{name}", "must be a percentage between 0 and 100")
    if kr.kind == "currency" and kr.currency not in ISO_4217:
        raise InvalidField(
            f"{pointer}/currency", "must be an ISO 4217 currency code such as EUR or USD"
        )
    if kr.kind == "range" and kr.lower > kr.upper:
        raise InvalidField(f"{pointer}/lower", "must not be above upper")


@dataclass(frozen=True)
class Initiative:
    """Work planned under a key result: who delivers what by when."""

    initiative_id: str
    key_result_id: str
    title: str
    owner_id: str
    due_on: str | None = None
    deliverable: str = ""
    status: str = "todo"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Initiative:
        return cls(**data)

    def public(self) -> dict[str, Any]:
        """The initiative as events publish it (its key result is named beside it)."""
        return {k: v for k, v in self.as_dict().items() if k != "key_result_id"}


def validate_initiative(item: Initiative, pointer: str) -> None:
    check_title(item.title, f"{pointer}/title")
    if not item.owner_id.strip():
        raise InvalidField(f"{pointer}/owner_id", "must not be blank")
    if item.status not in INITIATIVE_STATUSES:
        raise InvalidField(f"{pointer}/status", f"must be one of {', '.join(INITIATIVE_STATUSES)}")
    if item.due_on is not None:
        try:
            date.fromisoformat(item.due_on)
        except ValueError as exc:
            raise InvalidField(f"{pointer}/due_on", "must be a date (YYYY-MM-DD)") from exc
    if len(item.deliverable) > 2000:
        raise InvalidField(f"{pointer}/deliverable", "must be at most 2000 characters")
