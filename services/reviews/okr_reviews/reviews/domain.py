"""The review of an objective: opened when its cycle enters grading, bound to the scoring rules
in force then; each key result has a suggested score and the scores people gave it.

- Suggestion: the progress (`okr_shared.progress.key_result_progress`) of the value effective at
  the end of the cycle's last day (UTC), as the platform knew it when grading opened (the
  check-in rule of `okr_shared.check_ins`), rounded to the rule set's step. Check-ins effective
  after the end or recorded after grading opened do not count.
- A key result's standing score is its latest score (self, manager or correction), else its
  suggestion. The objective's score is the weighted mean of its key results' standing scores
  (key-result weights); its band is read from the bound rules for the objective's commitment.
- Every score keeps who, when, why (remark or reason) and the score it replaced. A score further
  from the suggestion than the threshold needs a remark; a correction needs a reason instead.
- A calibration (a score adjusted in a calibration session, `okr_reviews.calibration`) is on the
  step, needs no remark but always a reason, names its session, and is refused once finalised.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_reviews.rules.domain import RuleSet, band_of, check_score, needs_remark, round_to_step
from okr_shared.check_ins import timeline
from okr_shared.contracts import vocabulary
from okr_shared.errors import Conflict, InvalidField, NotFound, VersionConflict
from okr_shared.progress import key_result_progress, weighted_progress

SCORE_KINDS = vocabulary.SCORE_KINDS
SELF, MANAGER, CORRECTION, CALIBRATION = vocabulary.choose(
    SCORE_KINDS, "self", "manager", "correction", "calibration"
)
(SUGGESTION,) = vocabulary.choose(vocabulary.FINAL_SCORE_KINDS, "suggestion")
"""The final score kind of a key result nobody scored."""


class ReviewNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("review", key)


class NotGrading(Conflict):
    title = "Cycle not in grading"
    kind = "cycle-not-grading"


class ReviewFinalisedError(Conflict):
    title = "Review finalised"
    kind = "review-finalised"


def end_of_cycle(ends_on: str) -> datetime:
    """The end of the cycle's last day, UTC: the first instant after it."""
    return datetime.combine(datetime.fromisoformat(ends_on).date(), time(), UTC) + timedelta(days=1)


def standing_check_in(
    check_ins: list[dict[str, Any]], effective_before: datetime, known_at: datetime
) -> dict[str, Any] | None:
    """The check-in that said where the key result stood just before `effective_before`, as
    known at `known_at`."""
    known = [c for c in check_ins if datetime.fromisoformat(c["recorded_at"]) <= known_at]
    standing = [
        c for c in timeline(known) if datetime.fromisoformat(c["effective_at"]) < effective_before
    ]
    return standing[-1] if standing else None


def suggestion(
    key_result: dict[str, Any],
    check_ins: list[dict[str, Any]],
    ends_on: str,
    grading_opened_at: datetime,
    step: float,
) -> dict[str, Any]:
    """The value, progress and suggested score of a key result at the end of its cycle."""
    found = standing_check_in(check_ins, end_of_cycle(ends_on), grading_opened_at)
    value = found["value"] if found else None
    progress = key_result_progress(key_result, value)
    return {
        "value": value,
        "check_in_id": found["check_in_id"] if found else None,
        "progress": progress,
        "suggested_score": round_to_step(progress, step),
    }


def objective_score(key_results: dict[str, dict[str, Any]]) -> float:
    """The weighted mean of the key results' standing scores (their weights; equal when none)."""
    parts = [(standing_score(kr), kr.get("weight") or 0.0) for kr in key_results.values()]
    if parts and not any(weight for _, weight in parts):
        parts = [(score, 1.0) for score, _ in parts]
    return round(weighted_progress(parts), 6)


def standing_score(key_result: dict[str, Any]) -> float:
    scores = key_result.get("scores") or []
    return scores[-1]["score"] if scores else key_result["suggested_score"]


class Review(Aggregate):
    """The grading of one objective in one cycle."""

    @event("Opened")
    def __init__(
        self,
        tenant_id: str,
        cycle_id: str,
        objective_id: str,
        commitment: str,
        rule_version: int,
        rules: RuleSet,
        cycle_ends_on: str,
        grading_opened_at: str,
        key_results: dict[str, dict[str, Any]],
        meta: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id
        self.cycle_id = cycle_id
        self.objective_id = objective_id
        self.commitment = commitment
        self.rule_version = rule_version
        self.rules = rules
        self.cycle_ends_on = cycle_ends_on
        self.grading_opened_at = grading_opened_at
        self.key_results = key_results
        self.finalised: dict[str, Any] | None = None

    @classmethod
    def open(cls, aggregate_id: Any, **fields: Any) -> Review:
        return cls._create(cls.Opened, id=aggregate_id, **fields)

    # ---- reads

    @property
    def score(self) -> float:
        return objective_score(self.key_results)

    @property
    def band(self) -> dict[str, Any]:
        return band_of(self.score, self.commitment, self.rules)

    def key_result_band(self, key_result_id: str) -> dict[str, Any]:
        return band_of(standing_score(self.key_results[key_result_id]), self.commitment, self.rules)

    def key_result(self, key_result_id: str) -> dict[str, Any]:
        if key_result_id not in self.key_results:
            raise NotFound("key result", key_result_id)
        return self.key_results[key_result_id]

    # ---- commands

    def check_version(self, expected_version: int) -> None:
        if expected_version != self.version:
            raise VersionConflict(expected_version, self.version)

    def give_score(
        self,
        key_result_id: str,
        kind: str,
        score: Any,
        remark: str | None,
        reason: str | None,
        meta: dict[str, Any],
    ) -> None:
        """Records a score; the caller's right to give it of that kind is checked before."""
        kr = self.key_result(key_result_id)
        checked = check_score(score, self.rules["step"])
        self._check_kind(kind, remark, reason)
        far = needs_remark(checked, kr["suggested_score"], self.rules)
        if far and kind != CORRECTION and not (remark or "").strip():
            raise InvalidField(
                "#/remark",
                f"the score differs from the suggestion {kr['suggested_score']} by more than "
                f"{self.rules['remark_threshold']}: say why",
            )
        self._record(key_result_id, kind, checked, remark, reason, meta)

    def calibrate(
        self,
        key_result_id: str,
        score: Any,
        reason: str | None,
        session_id: str,
        meta: dict[str, Any],
    ) -> dict[str, Any]:
        """Records a score adjusted in a calibration session (the caller's right over the
        session's unit is checked before); the score entry recorded."""
        self.key_result(key_result_id)
        self.check_not_finalised("#/review_id")
        checked = check_score(score, self.rules["step"])
        if not (reason or "").strip():
            raise InvalidField("#/reason", "a calibration needs a reason")
        self._record(key_result_id, CALIBRATION, checked, None, reason, meta, session_id)
        return self.key_results[key_result_id]["scores"][-1]

    def check_not_finalised(self, pointer: str) -> None:
        if self.finalised is not None:
            raise ReviewFinalisedError(
                pointer, "the review is finalised; no calibration after finalisation"
            )

    def _record(
        self,
        key_result_id: str,
        kind: str,
        score: float,
        remark: str | None,
        reason: str | None,
        meta: dict[str, Any],
        calibration_session_id: str | None = None,
    ) -> None:
        kr = self.key_results[key_result_id]
        after = {**self.key_results, key_result_id: {**kr, "scores": [{"score": score}]}}
        total = objective_score(after)
        self._scored(
            cycle_id=self.cycle_id,
            objective_id=self.objective_id,
            key_result_id=key_result_id,
            kind=kind,
            score=score,
            previous_score=standing_score(kr),
            suggested_score=kr["suggested_score"],
            band=band_of(score, self.commitment, self.rules),
            objective_score=total,
            objective_band=band_of(total, self.commitment, self.rules),
            remark=(remark or "").strip() or None,
            reason=(reason or "").strip() or None,
            meta=meta,
            calibration_session_id=calibration_session_id,
            rule_version=self.rule_version,
        )

    def _check_kind(self, kind: str, remark: str | None, reason: str | None) -> None:
        """A correction only after finalisation and with a reason; scores only before; a
        manager's score always with a remark; a calibration only in a calibration session."""
        if kind == CALIBRATION:
            raise InvalidField("#/kind", "a calibration is given in a calibration session")
        if kind == CORRECTION:
            if self.finalised is None:
                raise Conflict("#/correction", "the review is not finalised: score it as usual")
            if not (reason or "").strip():
                raise InvalidField("#/reason", "a correction needs a reason")
        elif self.finalised is not None:
            raise ReviewFinalisedError(
                "#/correction", "the review is finalised; only an admin's correction with a reason"
            )
        if kind == MANAGER and not (remark or "").strip():
            raise InvalidField("#/remark", "a manager's score needs a remark")

    @event("Scored")
    def _scored(
        self,
        cycle_id: str,
        objective_id: str,
        key_result_id: str,
        kind: str,
        score: float,
        previous_score: float,
        suggested_score: float,
        band: dict[str, Any],
        objective_score: float,
        objective_band: dict[str, Any],
        remark: str | None,
        reason: str | None,
        meta: dict[str, Any],
        calibration_session_id: str | None = None,
        rule_version: int | None = None,
    ) -> None:
        entry = {
            "kind": kind,
            "score": score,
            "previous_score": previous_score,
            "remark": remark,
            "reason": reason,
            "by": meta["actor_id"],
            "at": meta["at"],
            "calibration_session_id": calibration_session_id,
        }
        kr = self.key_results[key_result_id]
        self.key_results = {
            **self.key_results,
            key_result_id: {**kr, "scores": [*kr.get("scores", []), entry]},
        }

    def revise_suggestion(
        self, key_result_id: str, found: dict[str, Any], meta: dict[str, Any]
    ) -> bool:
        """Takes a suggestion recomputed from check-ins learned late (recorded before grading
        opened, delivered after); False (nothing recorded) when it is unchanged or finalised."""
        kr = self.key_results.get(key_result_id)
        fields = ("value", "check_in_id", "progress", "suggested_score")
        if kr is None or self.finalised is not None or all(kr[k] == found[k] for k in fields):
            return False
        self._suggestion_revised(
            cycle_id=self.cycle_id,
            objective_id=self.objective_id,
            key_result_id=key_result_id,
            previous_suggested_score=kr["suggested_score"],
            **{k: found[k] for k in fields},
            meta=meta,
        )
        return True

    @event("SuggestionRevised")
    def _suggestion_revised(
        self,
        cycle_id: str,
        objective_id: str,
        key_result_id: str,
        previous_suggested_score: float,
        value: Any,
        check_in_id: str | None,
        progress: float,
        suggested_score: float,
        meta: dict[str, Any],
    ) -> None:
        kr = self.key_results[key_result_id]
        found = {
            "value": value,
            "check_in_id": check_in_id,
            "progress": progress,
            "suggested_score": suggested_score,
        }
        self.key_results = {**self.key_results, key_result_id: {**kr, **found}}

    def final_scores(self) -> list[dict[str, Any]]:
        """Each key result's final (standing) score and band, and who gave it."""
        items = []
        for key_result_id, kr in self.key_results.items():
            scores = kr.get("scores") or []
            items.append(
                {
                    "key_result_id": key_result_id,
                    "score": standing_score(kr),
                    "band": self.key_result_band(key_result_id),
                    "suggested_score": kr["suggested_score"],
                    "scored_by": scores[-1]["by"] if scores else None,
                    "score_kind": scores[-1]["kind"] if scores else SUGGESTION,
                }
            )
        return items

    def finalise(self, reason: str, meta: dict[str, Any]) -> bool:
        """Fixes the final scores; False (and nothing recorded) if already finalised."""
        if self.finalised is not None:
            return False
        self._finalised(
            cycle_id=self.cycle_id,
            objective_id=self.objective_id,
            commitment=self.commitment,
            rule_version=self.rule_version,
            score=self.score,
            band=self.band,
            key_results=self.final_scores(),
            reason=reason,
            meta=meta,
        )
        return True

    @event("Finalised")
    def _finalised(
        self,
        cycle_id: str,
        objective_id: str,
        commitment: str,
        rule_version: int,
        score: float,
        band: dict[str, Any],
        key_results: list[dict[str, Any]],
        reason: str,
        meta: dict[str, Any],
    ) -> None:
        self.finalised = {"by": meta["actor_id"], "at": meta["at"], "reason": reason}

    def rescore(
        self,
        rule_version: int,
        rules: RuleSet,
        suggestions: dict[str, dict[str, Any]],
        reason: str,
        meta: dict[str, Any],
    ) -> None:
        """Re-binds the review to another rule version (an admin's reasoned adoption): the
        suggestions recomputed under its step (`suggestions` by key result: value, check_in_id,
        progress, suggested_score), scores people gave kept, bands read from the new rules.
        Allowed after finalisation too; the earlier `Finalised` stays in the history."""
        if rule_version == self.rule_version:
            raise Conflict(
                "#/rule_version", f"the review is already bound to version {rule_version}"
            )
        fields = ("value", "check_in_id", "progress", "suggested_score")
        after = {
            kr_id: {**kr, **{k: suggestions[kr_id][k] for k in fields}}
            if kr_id in suggestions
            else kr
            for kr_id, kr in self.key_results.items()
        }
        total = objective_score(after)
        self._rescored(
            cycle_id=self.cycle_id,
            objective_id=self.objective_id,
            previous_rule_version=self.rule_version,
            rule_version=rule_version,
            rules=rules,
            suggestions={kr_id: {k: kr[k] for k in fields} for kr_id, kr in after.items()},
            key_results=[
                {
                    "key_result_id": kr_id,
                    "suggested_score": kr["suggested_score"],
                    "score": standing_score(kr),
                    "band": band_of(standing_score(kr), self.commitment, rules),
                }
                for kr_id, kr in after.items()
            ],
            score=total,
            band=band_of(total, self.commitment, rules),
            reason=reason,
            finalised=self.finalised is not None,
            meta=meta,
        )

    @event("Rescored")
    def _rescored(
        self,
        cycle_id: str,
        objective_id: str,
        previous_rule_version: int,
        rule_version: int,
        rules: RuleSet,
        suggestions: dict[str, dict[str, Any]],
        key_results: list[dict[str, Any]],
        score: float,
        band: dict[str, Any],
        reason: str,
        finalised: bool,
        meta: dict[str, Any],
    ) -> None:
        self.rule_version = rule_version
        self.rules = rules
        self.key_results = {
            kr_id: {**kr, **suggestions.get(kr_id, {})} for kr_id, kr in self.key_results.items()
        }
