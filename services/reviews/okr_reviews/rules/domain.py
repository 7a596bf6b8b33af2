"""Scoring rules of a tenant, versioned: the step scores move on, the remark threshold and the
bands of each commitment (committed, aspirational), each band with a colour and labels.

A rule set is plain data (a dict, as published in `ScoringRulesSet`):
`{"step": 0.1, "remark_threshold": 0.2, "bands": {"aspirational": [band, ...], "committed": [...]}}`
with a band `{"from": 0.0, "to": 0.3, "color": "red", "label": {"en": "...", "zh": "..."}}`.
Arithmetic on scores is exact (decimal fractions), so 0.1 + 0.2 is 0.3 here.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.contracts import vocabulary
from okr_shared.errors import InvalidField, NotFound

RuleSet = dict[str, Any]
Band = dict[str, Any]

COMMITMENTS = vocabulary.COMMITMENTS
(DEFAULT_COMMITMENT,) = vocabulary.choose(COMMITMENTS, "aspirational")
"""The commitment of objectives published without one."""
COLORS = vocabulary.BAND_COLORS
LANGUAGES = ("en", "zh")
DEFAULT_VERSION = 0
"""The version number of the built-in rules, in force until a tenant sets its own."""


def _band(low: float, high: float, color: str, en: str, zh: str) -> Band:
    return {"from": low, "to": high, "color": color, "label": {"en": en, "zh": zh}}


DEFAULT_RULES: RuleSet = {
    "step": 0.1,
    "remark_threshold": 0.2,
    "bands": {
        "aspirational": [
            _band(0.0, 0.3, "red", "Missed", "未达成"),
            _band(0.4, 0.6, "yellow", "Progress made", "有进展"),
            _band(0.7, 1.0, "green", "On target", "达成"),
        ],
        "committed": [
            _band(0.0, 0.9, "red", "Miss", "未完成承诺"),
            _band(1.0, 1.0, "green", "Delivered", "完成承诺"),
        ],
    },
}


class RuleSetNotFound(NotFound):
    def __init__(self, version: int) -> None:
        super().__init__("scoring rule set", str(version))


def exact(value: float) -> Fraction:
    """The decimal a float was written as (0.1 is one tenth, not its binary neighbour)."""
    return Fraction(repr(float(value)))


def on_step(value: float, step: float) -> bool:
    return (exact(value) / exact(step)).denominator == 1


def round_to_step(value: float, step: float) -> float:
    """`value` rounded to the nearest multiple of `step`, halves up (0.25 -> 0.3 on 0.1)."""
    steps = exact(value) / exact(step)
    whole = int(steps + Fraction(1, 2)) if steps >= 0 else -int(-steps + Fraction(1, 2))
    return float(whole * exact(step))


def _check_number(rules: RuleSet, name: str) -> Fraction:
    value = rules.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidField(f"#/{name}", "must be a number")
    return exact(value)


def _check_band(band: Any, pointer: str, step: float) -> tuple[Fraction, Fraction]:
    if not isinstance(band, dict):
        raise InvalidField(pointer, "must be a band {from, to, color, label}")
    for end in ("from", "to"):
        value = band.get(end)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidField(f"{pointer}/{end}", "must be a number")
        if not 0 <= value <= 1 or not on_step(value, step):
            raise InvalidField(f"{pointer}/{end}", f"must lie in 0.0-1.0 on the step {step}")
    if band["from"] > band["to"]:
        raise InvalidField(f"{pointer}/to", "must not be below `from`")
    if band.get("color") not in COLORS:
        raise InvalidField(f"{pointer}/color", f"must be one of {', '.join(COLORS)}")
    label = band.get("label")
    if not isinstance(label, dict):
        raise InvalidField(f"{pointer}/label", f"must give the label in {', '.join(LANGUAGES)}")
    for language in LANGUAGES:
        text = label.get(language)
        if not isinstance(text, str) or not 1 <= len(text.strip()) <= 100:
            raise InvalidField(f"{pointer}/label/{language}", "must be 1 to 100 characters")
    return exact(band["from"]), exact(band["to"])


def _check_bands(bands: Any, pointer: str, step: float) -> None:
    """The bands, sorted by `from`, must cover 0.0-1.0 exactly: each starts one step after the
    previous one ends, the first at 0.0, the last ending at 1.0."""
    if not isinstance(bands, list) or not bands:
        raise InvalidField(pointer, "must list at least one band")
    ends = [_check_band(band, f"{pointer}/{i}", step) for i, band in enumerate(bands)]
    order = sorted(range(len(ends)), key=lambda i: ends[i])
    expected = Fraction(0)
    for i in order:
        low, high = ends[i]
        if low < expected:
            raise InvalidField(f"{pointer}/{i}/from", "overlaps the band before it")
        if low > expected:
            raise InvalidField(f"{pointer}/{i}/from", f"leaves a gap: expected {float(expected)}")
        expected = high + exact(step)
    if expected - exact(step) != 1:
        raise InvalidField(f"{pointer}/{order[-1]}/to", "the last band must end at 1.0")


def check_rules(rules: Any) -> RuleSet:
    """The rule set if valid; else InvalidField naming the first field at fault."""
    if not isinstance(rules, dict):
        raise InvalidField("#", "must be a rule set")
    step = _check_number(rules, "step")
    if not 0 < step <= 1 or (1 / step).denominator != 1:
        raise InvalidField("#/step", "must divide 1 into whole steps (e.g. 0.1, 0.05, 0.25)")
    threshold = _check_number(rules, "remark_threshold")
    if not 0 <= threshold <= 1:
        raise InvalidField("#/remark_threshold", "must lie between 0 and 1")
    bands = rules.get("bands")
    if not isinstance(bands, dict):
        raise InvalidField("#/bands", f"must give the bands of {', '.join(COMMITMENTS)}")
    for name in bands:
        if name not in COMMITMENTS:
            raise InvalidField(f"#/bands/{name}", f"commitments are {', '.join(COMMITMENTS)}")
    for commitment in COMMITMENTS:
        if commitment not in bands:
            raise InvalidField(f"#/bands/{commitment}", "is required")
        _check_bands(bands[commitment], f"#/bands/{commitment}", float(step))
    return copy.deepcopy(
        {
            "step": float(rules["step"]),
            "remark_threshold": float(rules["remark_threshold"]),
            "bands": {
                c: [
                    {
                        "from": float(b["from"]),
                        "to": float(b["to"]),
                        "color": b["color"],
                        "label": {lang: b["label"][lang] for lang in LANGUAGES},
                    }
                    for b in sorted(bands[c], key=lambda b: exact(b["from"]))
                ]
                for c in COMMITMENTS
            },
        }
    )


def check_score(score: Any, step: float, pointer: str = "#/score") -> float:
    """A score is a number from 0.0 to 1.0 on the step."""
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        raise InvalidField(pointer, "must be a number from 0.0 to 1.0")
    if not 0 <= score <= 1:
        raise InvalidField(pointer, "must lie between 0.0 and 1.0")
    if not on_step(score, step):
        raise InvalidField(pointer, f"must be a multiple of the step {step}")
    return float(score)


def needs_remark(score: float, suggested: float, rules: RuleSet) -> bool:
    """Whether a score strays from the suggestion by more than the remark threshold."""
    return abs(exact(score) - exact(suggested)) > exact(rules["remark_threshold"])


def band_of(score: float, commitment: str, rules: RuleSet) -> Band:
    """The band of a score (rounded to the step first) for the commitment."""
    rounded = exact(round_to_step(score, rules["step"]))
    bands = rules["bands"].get(commitment) or rules["bands"][DEFAULT_COMMITMENT]
    for band in bands:
        if exact(band["from"]) <= rounded <= exact(band["to"]):
            return {"color": band["color"], "label": dict(band["label"])}
    raise ValueError(f"no band for {score} in a checked rule set")


class RuleBook(Aggregate):
    """Every rule set a tenant has set, in order; version N is the N-th (0 is the built-in)."""

    @event("Opened")
    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.versions: list[RuleSet] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str) -> RuleBook:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id)

    @property
    def current_version(self) -> int:
        return len(self.versions)

    def rules(self, version: int | None = None) -> RuleSet:
        """The rule set of `version` (the current one when None)."""
        version = self.current_version if version is None else version
        if version == DEFAULT_VERSION:
            return copy.deepcopy(DEFAULT_RULES)
        if not 0 < version <= len(self.versions):
            raise RuleSetNotFound(version)
        return copy.deepcopy(self.versions[version - 1])

    def set_rules(self, rules: Any, reason: str | None, meta: dict[str, Any]) -> int:
        """Adds a new version after checking it; returns its number."""
        checked = check_rules(rules)
        self._set(rules=checked, version=self.current_version + 1, reason=reason, meta=meta)
        return self.current_version

    @event("Set")
    def _set(self, rules: RuleSet, version: int, reason: str | None, meta: dict[str, Any]) -> None:
        self.versions = [*self.versions, rules]
