"""Scoring-rule events in their published `okr.reviews.v1` form: subject and contract data."""

from __future__ import annotations

from typing import Any

from okr_reviews.rules.domain import RuleBook
from okr_shared.contracts.mappings import Mapper


def _set(e: Any) -> tuple[str, dict[str, Any]]:
    return "scoring-rules", {"version": e.version, **e.rules, "reason": e.reason}


MAPPERS: dict[type, tuple[str, Mapper]] = {RuleBook.Set: ("ScoringRulesSet", _set)}
