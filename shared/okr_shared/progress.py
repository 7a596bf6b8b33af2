"""Progress of key results and objectives: one documented function per key-result kind.

Progress is a fraction in [0, 1]. Every service that needs progress calls `key_result_progress`
with the key result as published in `okr.goals.v1` and its current value.

- increase_to, decrease_to, percentage, currency: the share of the distance from `start` to
  `target` that the current value has covered. It works whichever way the target lies (a
  target below the start is a "decrease to" key result). Past the target counts as 1,
  behind the start as 0.
- milestone: 1 when done, 0 when not.
- range ("keep within"): 1 while the value stays within [lower, upper]; outside, it falls
  linearly with the distance to the nearest bound and reaches 0 one range-width away.

Before any check-in, a numeric key result stands at its start, a milestone at not done and
a range at its baseline.

Arithmetic is exact (rational) and rounded once at the end, so the largest and smallest finite
numbers neither overflow nor underflow, and a rollup does not depend on the order of its parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from okr_shared.contracts.vocabulary import KEY_RESULT_KINDS, choose

KINDS = KEY_RESULT_KINDS
NUMERIC_KINDS = choose(KINDS, "increase_to", "decrease_to", "percentage", "currency")


def numeric_progress(start: float, target: float, current: float) -> float:
    """Progress of an increase-to, decrease-to, percentage or currency key result."""
    if target == start:
        raise ValueError("target must differ from start")
    fraction = (Fraction(current) - Fraction(start)) / (Fraction(target) - Fraction(start))
    return float(min(Fraction(1), max(Fraction(0), fraction)))


def milestone_progress(done: bool) -> float:
    """Progress of a milestone: all or nothing."""
    return 1.0 if done else 0.0


def range_progress(lower: float, upper: float, current: float) -> float:
    """Progress of a keep-within-range key result."""
    if upper < lower:
        raise ValueError("upper must not be below lower")
    if lower <= current <= upper:
        return 1.0
    low, high, value = Fraction(lower), Fraction(upper), Fraction(current)
    width = high - low
    if width == 0:
        return 0.0
    distance = low - value if value < low else value - high
    return float(max(Fraction(0), 1 - distance / width))


def initial_value(key_result: Mapping[str, Any]) -> float | bool:
    """The value a key result stands at before its first check-in."""
    kind = key_result["kind"]
    if kind == "milestone":
        return False
    if kind == "range":
        return key_result["baseline"]
    return key_result["start"]


def key_result_progress(
    key_result: Mapping[str, Any], current: float | bool | None = None
) -> float:
    """Progress of any key result at `current` (its initial value when None)."""
    value = initial_value(key_result) if current is None else current
    kind = key_result["kind"]
    if kind == "milestone":
        return milestone_progress(bool(value))
    if kind == "range":
        return range_progress(key_result["lower"], key_result["upper"], float(value))
    if kind in NUMERIC_KINDS:
        return numeric_progress(key_result["start"], key_result["target"], float(value))
    raise ValueError(f"unknown key-result kind {kind!r}")


def weighted_progress(parts: Iterable[tuple[float, float]]) -> float:
    """Weighted mean of (progress, weight) pairs, weights normalised; 0 when no weight is given."""
    pairs = [(Fraction(progress), Fraction(weight)) for progress, weight in parts]
    total = sum((weight for _, weight in pairs), Fraction(0))
    if total <= 0:
        return 0.0
    return float(sum((progress * weight for progress, weight in pairs), Fraction(0)) / total)


def rollup_progress(own: float | None, children: Iterable[tuple[float, float]]) -> float:
    """Progress of an objective including what its aligned children contribute.

    `own` is the weighted progress of the objective's key results (None when it has none);
    `children` are (child rollup progress, contribution weight) pairs. The objective's own
    key results count as one part of weight 1 beside the children's contributions.
    """
    parts = list(children)
    if own is not None:
        parts.append((own, 1.0))
    return weighted_progress(parts)
