"""Reward policies of a tenant, each versioned: what a cycle's final scores are worth.

A policy is plain data (as published in `RewardPolicySet`):

- `bands`: bands of a person's score to `points` (a whole number) and a bonus `multiplier`;
  a band holds the scores from `from` (included) up to `to` (excluded), the last one up to 1.0
  included. Sorted by `from` they must cover 0.0-1.0 without overlap or gap.
- `level_factors` (per objective level) and `commitment_factors` (per commitment): a person's
  score is the mean of their finalised objective scores weighted by level factor times
  commitment factor (a factor not given is 1.0). Factors are not negative.
- `eligibility`: `min_days_in_cycle` (days of the cycle the person was in the company) and
  `levels` (the objective levels that count; all by default).
- `caps`: `per_person` and `per_cycle` points (null: none), not below 0.
- `budgets`: points per org unit (a unit without one has no budget).

Numbers are compared exactly (decimal fractions), as the review service's scoring rules are.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.contracts import vocabulary
from okr_shared.errors import InvalidField, NotFound

Policy = dict[str, Any]

LEVELS = vocabulary.LEVELS
COMMITMENTS = vocabulary.COMMITMENTS
MAX_BANDS = 20
MAX_POINTS = 10**9
MAX_FACTOR = 1000
MAX_BUDGETS = 1000


class PolicyNotFound(NotFound):
    def __init__(self, policy_id: str, version: int | None = None) -> None:
        key = policy_id if version is None else f"{policy_id} version {version}"
        super().__init__("reward policy", key)


def exact(value: float) -> Fraction:
    """The decimal a float was written as (0.1 is one tenth, not its binary neighbour)."""
    return Fraction(repr(float(value)))


def _number(value: Any, pointer: str, low: float, high: float) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidField(pointer, "must be a number")
    if value < 0:
        raise InvalidField(pointer, "must not be negative")
    if not low <= value <= high:
        raise InvalidField(pointer, f"must lie between {low:g} and {high:g}")
    return exact(value)


def _whole(value: Any, pointer: str, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(pointer, "must be a whole number" + (" or null" if nullable else ""))
    if value < 0:
        raise InvalidField(pointer, "must not be below 0")
    if value > MAX_POINTS:
        raise InvalidField(pointer, f"must not exceed {MAX_POINTS}")
    return value


def _object(policy: Policy, name: str) -> dict[str, Any]:
    value = policy.get(name, {})
    if not isinstance(value, dict):
        raise InvalidField(f"#/{name}", "must be an object")
    return value


def _band(band: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(band, dict):
        raise InvalidField(pointer, "must be a band {from, to, points, multiplier}")
    low = _number(band.get("from"), f"{pointer}/from", 0, 1)
    high = _number(band.get("to"), f"{pointer}/to", 0, 1)
    if high <= low:
        raise InvalidField(f"{pointer}/to", "must be above `from`")
    return {
        "from": float(low),
        "to": float(high),
        "points": _whole(band.get("points"), f"{pointer}/points"),
        "multiplier": float(_number(band.get("multiplier"), f"{pointer}/multiplier", 0, 100)),
    }


def _bands(bands: Any) -> list[dict[str, Any]]:
    """The bands sorted by `from`; each must start where the one before it ends, the first at
    0.0, and the last end at 1.0."""
    if not isinstance(bands, list) or not 1 <= len(bands) <= MAX_BANDS:
        raise InvalidField("#/bands", f"must list 1 to {MAX_BANDS} bands")
    checked = [_band(band, f"#/bands/{i}") for i, band in enumerate(bands)]
    order = sorted(range(len(checked)), key=lambda i: exact(checked[i]["from"]))
    expected = Fraction(0)
    for i in order:
        low = exact(checked[i]["from"])
        if low < expected:
            raise InvalidField(f"#/bands/{i}/from", "overlaps the band before it")
        if low > expected:
            raise InvalidField(f"#/bands/{i}/from", f"leaves a gap: expected {float(expected)}")
        expected = exact(checked[i]["to"])
    if expected != 1:
        raise InvalidField(f"#/bands/{order[-1]}/to", "the last band must end at 1.0")
    return [checked[i] for i in order]


def _factors(policy: Policy, name: str, keys: tuple[str, ...]) -> dict[str, float]:
    given = _object(policy, name)
    for key in given:
        if key not in keys:
            raise InvalidField(f"#/{name}/{key}", f"must be one of {', '.join(keys)}")
    return {
        key: float(_number(given.get(key, 1.0), f"#/{name}/{key}", 0, MAX_FACTOR)) for key in keys
    }


def _eligibility(policy: Policy) -> dict[str, Any]:
    given = _object(policy, "eligibility")
    for key in given:
        if key not in ("min_days_in_cycle", "levels"):
            raise InvalidField(f"#/eligibility/{key}", "is not a rule of eligibility")
    days = _whole(given.get("min_days_in_cycle", 0), "#/eligibility/min_days_in_cycle")
    levels = given.get("levels", list(LEVELS))
    if not isinstance(levels, list) or not levels:
        raise InvalidField("#/eligibility/levels", "must list at least one objective level")
    for i, level in enumerate(levels):
        if level not in LEVELS:
            raise InvalidField(f"#/eligibility/levels/{i}", f"must be one of {', '.join(LEVELS)}")
    return {"min_days_in_cycle": days, "levels": [lv for lv in LEVELS if lv in levels]}


def _caps(policy: Policy) -> dict[str, int | None]:
    given = _object(policy, "caps")
    for key in given:
        if key not in ("per_person", "per_cycle"):
            raise InvalidField(f"#/caps/{key}", "caps are per_person and per_cycle")
    return {
        k: _whole(given.get(k), f"#/caps/{k}", nullable=True) for k in ("per_person", "per_cycle")
    }


def _budgets(policy: Policy) -> dict[str, int]:
    given = _object(policy, "budgets")
    if len(given) > MAX_BUDGETS:
        raise InvalidField("#/budgets", f"at most {MAX_BUDGETS} org units")
    budgets = {}
    for unit, points in sorted(given.items()):
        if not 1 <= len(unit) <= 100:
            raise InvalidField(f"#/budgets/{unit}", "an org unit id is 1 to 100 characters")
        budgets[unit] = _whole(points, f"#/budgets/{unit}")
    return budgets


def check_policy(policy: Any) -> Policy:
    """The policy with every default filled in, if valid; else InvalidField naming the first
    field at fault."""
    if not isinstance(policy, dict):
        raise InvalidField("#", "must be a reward policy")
    known = ("bands", "level_factors", "commitment_factors", "eligibility", "caps", "budgets")
    for key in policy:
        if key not in known:
            raise InvalidField(f"#/{key}", "is not part of a reward policy")
    return copy.deepcopy(
        {
            "bands": _bands(policy.get("bands")),
            "level_factors": _factors(policy, "level_factors", LEVELS),
            "commitment_factors": _factors(policy, "commitment_factors", COMMITMENTS),
            "eligibility": _eligibility(policy),
            "caps": _caps(policy),
            "budgets": _budgets(policy),
        }
    )


class RewardPolicy(Aggregate):
    """Every version of one reward policy of a tenant, in order; version N is the N-th."""

    @event("Opened")
    def __init__(self, tenant_id: str, policy_id: str) -> None:
        self.tenant_id = tenant_id
        self.policy_id = policy_id
        self.versions: list[Policy] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, policy_id: str) -> RewardPolicy:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id, policy_id=policy_id)

    @property
    def current_version(self) -> int:
        return len(self.versions)

    def policy(self, version: int | None = None) -> Policy:
        """The policy of `version` (the current one when None)."""
        version = self.current_version if version is None else version
        if not 0 < version <= len(self.versions):
            raise PolicyNotFound(self.policy_id, version)
        return copy.deepcopy(self.versions[version - 1])

    def set_policy(self, policy: Any, reason: str | None, meta: dict[str, Any]) -> int:
        """Adds a new version after checking it; returns its number."""
        checked = check_policy(policy)
        self._set(
            policy_id=self.policy_id,
            policy=checked,
            version=self.current_version + 1,
            reason=reason,
            meta=meta,
        )
        return self.current_version

    @event("Set")
    def _set(
        self, policy_id: str, policy: Policy, version: int, reason: str | None, meta: dict[str, Any]
    ) -> None:
        self.versions = [*self.versions, policy]
