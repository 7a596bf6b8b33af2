"""Scoring-rule events in their published `okr.reviews.v1` form: subject and contract data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okr_reviews.rules.domain import RuleBook

Mapper = Callable[[Any], tuple[str, dict[str, Any]]]


def _set(e: Any) -> tuple[str, dict[str, Any]]:
    return "scoring-rules", {"version": e.version, **e.rules, "reason": e.reason}


MAPPERS: dict[type, tuple[str, Mapper]] = {RuleBook.Set: ("ScoringRulesSet", _set)}
