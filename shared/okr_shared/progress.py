"""Progress of key results and objectives: one documented function per key-result kind.

Progress is a fraction in [0, 1]. For a numeric key result it is the share of the distance
from start to target that the current value has covered; it works whichever way the target
lies (a target below the start is a "decrease to" key result). Values past the target count
as 1, values behind the start as 0.
"""

from __future__ import annotations

from collections.abc import Iterable


def numeric_progress(start: float, target: float, current: float) -> float:
    """Progress of an increase-to or decrease-to key result."""
    if target == start:
        raise ValueError("target must differ from start")
    fraction = (current - start) / (target - start)
    return min(1.0, max(0.0, fraction))


def weighted_progress(parts: Iterable[tuple[float, float]]) -> float:
    """Weighted mean of (progress, weight) pairs, weights normalised; 0 when no weight is given."""
    pairs = list(parts)
    total = sum(weight for _, weight in pairs)
    if total <= 0:
        return 0.0
    return sum(progress * weight for progress, weight in pairs) / total
