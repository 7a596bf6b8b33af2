"""The distribution of a cycle's objective scores, as leaders compare teams by it: per org unit,
per manager and per commitment, the count, the mean, the spread (population standard deviation)
and the share of objectives in each band colour. Pure; arithmetic exact until the result."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from okr_shared.contracts.vocabulary import BAND_COLORS

DIGITS = 6
"""The decimals a mean, spread or share is given to."""


@dataclass(frozen=True)
class ScoredObjective:
    """An objective's standing score and band, with what it is grouped by."""

    objective_id: str
    score: float
    color: str
    commitment: str
    org_unit_id: str | None
    manager_id: str | None


def summary(items: Iterable[ScoredObjective]) -> dict[str, Any]:
    """Count, mean, spread and the share of each band colour (0 for an empty group)."""
    found = list(items)
    count = len(found)
    scores = [Fraction(repr(float(item.score))) for item in found]
    mean = sum(scores, Fraction(0)) / count if count else Fraction(0)
    variance = sum(((s - mean) ** 2 for s in scores), Fraction(0)) / count if count else 0
    shares = {
        color: round(sum(1 for item in found if item.color == color) / count, DIGITS)
        if count
        else 0.0
        for color in BAND_COLORS
    }
    return {
        "count": count,
        "mean": round(float(mean), DIGITS),
        "spread": round(math.sqrt(variance), DIGITS),
        "bands": shares,
    }


def _grouped(
    items: list[ScoredObjective], key: Callable[[ScoredObjective], Hashable]
) -> dict[str, dict[str, Any]]:
    groups: dict[Any, list[ScoredObjective]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return {
        ("" if k is None else str(k)): summary(v)
        for k, v in sorted(groups.items(), key=lambda kv: "" if kv[0] is None else str(kv[0]))
    }


def distribution(items: Iterable[ScoredObjective]) -> dict[str, Any]:
    """The whole set's summary and its summaries per unit, per manager and per commitment; an
    objective without unit or manager is grouped under the empty key."""
    found = list(items)
    return {
        "overall": summary(found),
        "by_org_unit": _grouped(found, lambda i: i.org_unit_id),
        "by_manager": _grouped(found, lambda i: i.manager_id),
        "by_commitment": _grouped(found, lambda i: i.commitment),
    }
