"""Re-scoring a cycle under other rules, and the scores as they stood at an instant. Pure.

- Under other rules, a key result's suggestion is recomputed from the learned check-in history
  with the same cut-offs (effective before the end of the cycle, known when grading opened) and
  rounded to the other rules' step; bands are read from the other rules. Scores people gave stay
  as given: they are judgements, not outputs of the rules, so only the suggestions of key results
  nobody scored move the objective's score.
- The instant of a stored review event is its `meta["at"]`: when the service recorded it by its
  clock. A review as it stood at an instant is its version after the last event recorded by then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from okr_reviews.reviews.domain import SUGGESTION, objective_score, standing_score
from okr_reviews.rules.domain import RuleSet, band_of, check_rules
from okr_shared.access import PERSON
from okr_shared.distribution import ScoredObjective
from okr_shared.errors import InvalidField

SUGGESTION_FIELDS = ("value", "check_in_id", "progress", "suggested_score")
NOTE = (
    "Scores people gave stay as given under other rules: they are judgements, not outputs of the "
    "rules. Suggestions (of key results nobody scored) and bands follow the rules."
)


class RuleVersionNotFound(InvalidField):
    """A rule version the tenant never set."""

    status = 404
    title = "Scoring rule set not found"
    kind = "not-found"


def draft_rules(rules: Any) -> RuleSet:
    """A draft rule set checked as setting rules checks it, the pointer under `#/rules`."""
    try:
        return check_rules(rules)
    except InvalidField as exc:
        raise InvalidField("#/rules" + exc.field.removeprefix("#"), exc.message) from exc


def one_of(rule_version: int | None, rules: Any) -> None:
    """Exactly one of a rule version and a draft rule set."""
    if rule_version is None and rules is None:
        raise InvalidField("#/rule_version", "give a rule_version, or a draft rule set in rules")
    if rule_version is not None and rules is not None:
        raise InvalidField("#/rules", "give either rule_version or rules, not both")


def check_instant(at: datetime | None, now: datetime, pointer: str) -> datetime:
    """`at` (now when None), which must carry an offset and not lie ahead of now."""
    if at is None:
        return now
    if at.tzinfo is None:
        raise InvalidField(pointer, "must include a time-zone offset, e.g. Z")
    if at > now:
        raise InvalidField(pointer, f"lies in the future (now is {now.isoformat()})")
    return at


def version_at(instants: Iterable[tuple[int, str]], at: datetime) -> int | None:
    """The version after the last event recorded by `at`, from (version, recorded at) in order;
    None when even the first was recorded later."""
    version = None
    for number, recorded in instants:
        if datetime.fromisoformat(recorded) > at:
            break
        version = number
    return version


def resuggested(
    key_results: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The key results with their suggestions replaced by those `found` (scores kept)."""
    return {
        kr_id: {**kr, **{k: found[kr_id][k] for k in SUGGESTION_FIELDS}} if kr_id in found else kr
        for kr_id, kr in key_results.items()
    }


def scored(
    key_results: dict[str, dict[str, Any]], commitment: str, rules: RuleSet
) -> dict[str, Any]:
    """Each key result's suggestion, standing score, its kind and band, and the objective's score
    and band, under `rules`."""
    items = []
    for kr_id, kr in key_results.items():
        scores = kr.get("scores") or []
        score = standing_score(kr)
        items.append(
            {
                "key_result_id": kr_id,
                "suggested_score": kr["suggested_score"],
                "score": score,
                "score_kind": scores[-1]["kind"] if scores else SUGGESTION,
                "band": band_of(score, commitment, rules),
            }
        )
    total = objective_score(key_results)
    return {"score": total, "band": band_of(total, commitment, rules), "key_results": items}


def scored_objective(
    objective_id: str,
    commitment: str,
    standing: dict[str, Any],
    objective: dict[str, Any] | None,
    manager_of: Callable[[str], str | None],
) -> ScoredObjective:
    """The distribution's item of an objective: its score and band colour, its unit, and the
    manager of its owning person (none for a unit-owned objective)."""
    objective = objective or {}
    person = objective.get("owner_type") == PERSON
    return ScoredObjective(
        objective_id,
        standing["score"],
        standing["band"]["color"],
        commitment,
        objective.get("org_unit_id"),
        manager_of(objective["owner_id"]) if person else None,
    )


def changed_bands(compared: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objectives whose band differs between the bound and the other rules."""
    return [
        {
            "review_id": item["review_id"],
            "objective_id": item["objective_id"],
            "before": item["bound"]["band"],
            "after": item["other"]["band"],
        }
        for item in compared
        if item["bound"]["band"] != item["other"]["band"]
    ]
