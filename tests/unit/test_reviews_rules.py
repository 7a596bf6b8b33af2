"""Scoring rules: the built-in default, what a valid rule set is, rounding to the step, bands."""

import copy

import pytest

from okr_reviews.rules.domain import (
    DEFAULT_RULES,
    RuleBook,
    band_of,
    check_rules,
    check_score,
    needs_remark,
    round_to_step,
)
from okr_shared.errors import InvalidField


def rules(**changes):
    r = copy.deepcopy(DEFAULT_RULES)
    r.update(changes)
    return r


def pointer_of(rule_set):
    with pytest.raises(InvalidField) as exc:
        check_rules(rule_set)
    return exc.value.field


def test_the_default_rules_are_valid_and_name_bands_in_english_and_chinese():
    assert check_rules(DEFAULT_RULES) == DEFAULT_RULES
    assert band_of(0.7, "aspirational", DEFAULT_RULES) == {
        "color": "green",
        "label": {"en": "On target", "zh": "达成"},
    }


@pytest.mark.parametrize(
    "score, commitment, color",
    [
        (0.0, "aspirational", "red"),
        (0.3, "aspirational", "red"),
        (0.4, "aspirational", "yellow"),
        (0.6, "aspirational", "yellow"),
        (0.7, "aspirational", "green"),
        (1.0, "aspirational", "green"),
        (0.9, "committed", "red"),
        (1.0, "committed", "green"),
        (0.34, "aspirational", "red"),
        (0.35, "aspirational", "yellow"),
        (0.96, "committed", "green"),
    ],
)
def test_bands_per_commitment(score, commitment, color):
    assert band_of(score, commitment, DEFAULT_RULES)["color"] == color


def test_a_committed_miss_is_labelled_a_miss():
    assert band_of(0.9, "committed", DEFAULT_RULES)["label"]["en"] == "Miss"


@pytest.mark.parametrize(
    "value, step, expected",
    [(0.25, 0.1, 0.3), (0.649, 0.1, 0.6), (0.65, 0.1, 0.7), (1 / 3, 0.25, 0.25), (0.0, 0.1, 0.0)],
)
def test_rounding_to_the_step_takes_halves_up(value, step, expected):
    assert round_to_step(value, step) == expected


def test_scores_must_lie_in_0_1_on_the_step():
    assert check_score(0.3, 0.1) == 0.3
    for bad in (-0.1, 1.1, 0.35, "0.3", True):
        with pytest.raises(InvalidField) as exc:
            check_score(bad, 0.1)
        assert exc.value.field == "#/score"


def test_the_remark_threshold_is_exclusive_and_exact():
    assert not needs_remark(0.5, 0.3, DEFAULT_RULES)
    assert needs_remark(0.6, 0.3, DEFAULT_RULES)
    assert needs_remark(0.0, 0.3, DEFAULT_RULES)


def test_overlapping_bands_are_refused_naming_the_band():
    r = rules()
    r["bands"]["aspirational"][1]["from"] = 0.3
    assert pointer_of(r) == "#/bands/aspirational/1/from"


def test_a_gap_between_bands_is_refused():
    r = rules()
    r["bands"]["aspirational"][2]["from"] = 0.8
    assert pointer_of(r) == "#/bands/aspirational/2/from"


def test_bands_must_end_at_1():
    r = rules()
    r["bands"]["committed"][1].update({"from": 0.9, "to": 0.9})
    r["bands"]["committed"][0]["to"] = 0.8
    assert pointer_of(r) == "#/bands/committed/1/to"


def test_bands_must_start_at_0_and_lie_on_the_step():
    r = rules()
    r["bands"]["aspirational"][0]["from"] = 0.1
    assert pointer_of(r) == "#/bands/aspirational/0/from"
    r = rules()
    r["bands"]["aspirational"][0]["to"] = 0.35
    assert pointer_of(r) == "#/bands/aspirational/0/to"


def test_each_commitment_needs_its_bands():
    r = rules()
    del r["bands"]["committed"]
    assert pointer_of(r) == "#/bands/committed"


@pytest.mark.parametrize("step", [0.3, 0.0, 1.5, -0.1])
def test_a_step_must_divide_1(step):
    assert pointer_of(rules(step=step)) == "#/step"


@pytest.mark.parametrize("threshold", [-0.1, 1.2])
def test_the_threshold_must_lie_in_0_1(threshold):
    assert pointer_of(rules(remark_threshold=threshold)) == "#/remark_threshold"


def test_labels_need_both_languages():
    r = rules()
    del r["bands"]["aspirational"][0]["label"]["zh"]
    assert pointer_of(r) == "#/bands/aspirational/0/label/zh"


def test_a_finer_step_with_matching_bands_is_accepted():
    r = rules(step=0.05)
    r["bands"]["aspirational"] = [
        {"from": 0.0, "to": 0.45, "color": "red", "label": {"en": "Low", "zh": "低"}},
        {"from": 0.5, "to": 1.0, "color": "green", "label": {"en": "High", "zh": "高"}},
    ]
    r["bands"]["committed"] = [
        {"from": 0.0, "to": 0.95, "color": "red", "label": {"en": "Miss", "zh": "未"}},
        {"from": 1.0, "to": 1.0, "color": "green", "label": {"en": "Done", "zh": "完"}},
    ]
    assert check_rules(r)["step"] == 0.05


def test_a_rule_book_numbers_its_versions_and_keeps_the_old_ones():
    book = RuleBook.open(None, "acme")
    assert book.current_version == 0 and book.rules() == DEFAULT_RULES
    assert book.set_rules(rules(remark_threshold=0.3), None, {}) == 1
    assert book.rules()["remark_threshold"] == 0.3
    assert book.rules(0)["remark_threshold"] == 0.2
    with pytest.raises(InvalidField):
        book.set_rules(rules(step=0.3), None, {})
    assert book.current_version == 1
