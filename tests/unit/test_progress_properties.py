"""Properties of progress per key-result kind, for any key result the goal service accepts.

Values are finite numbers. Where a rule needs the distance from start to target to be a finite
number, magnitudes stay below 1e300 (`test_progress_properties_found.py` covers the rest).
"""

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from okr_shared.progress import KINDS, NUMERIC_KINDS, key_result_progress, range_progress

PROPERTY = settings(max_examples=150, deadline=None)

finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False)


@st.composite
def numeric_key_results(draw, values=finite, kinds=NUMERIC_KINDS):
    """A numeric key result whose start and target differ, of any numeric kind."""
    kind = draw(st.sampled_from(kinds))
    if kind == "percentage":
        values = st.floats(min_value=0, max_value=100)
    start, target = draw(values), draw(values)
    assume(start != target)
    if kind == "increase_to" and target < start or kind == "decrease_to" and target > start:
        start, target = target, start
    return {"kind": kind, "start": start, "target": target, "currency": "EUR"}


@st.composite
def range_key_results(draw, values=finite):
    lower, upper = sorted((draw(values), draw(values)))
    return {"kind": "range", "lower": lower, "upper": upper, "baseline": draw(values)}


def any_key_result():
    return st.one_of(numeric_key_results(), range_key_results(), st.just({"kind": "milestone"}))


def value_for(key_result):
    if key_result["kind"] == "milestone":
        return st.booleans()
    return finite


@PROPERTY
@given(st.data())
def test_progress_of_any_valid_key_result_is_a_fraction_and_never_raises(data):
    key_result = data.draw(any_key_result())
    current = data.draw(st.none() | value_for(key_result))
    progress = key_result_progress(key_result, current)
    assert isinstance(progress, float) and 0.0 <= progress <= 1.0


@PROPERTY
@given(numeric_key_results(moderate))
def test_a_numeric_key_result_stands_at_zero_on_its_start_and_at_one_on_its_target(key_result):
    assert key_result_progress(key_result) == 0.0
    assert key_result_progress(key_result, key_result["start"]) == 0.0
    assert key_result_progress(key_result, key_result["target"]) == 1.0


@PROPERTY
@given(numeric_key_results(), finite, finite)
def test_numeric_progress_never_falls_as_the_value_moves_toward_the_target(key_result, a, b):
    toward = 1 if key_result["target"] > key_result["start"] else -1
    nearer, farther = sorted((a, b), key=lambda v: -toward * v)
    assert key_result_progress(key_result, nearer) >= key_result_progress(key_result, farther)


@PROPERTY
@given(numeric_key_results(moderate), moderate)
def test_past_the_target_is_done_and_behind_the_start_is_nothing(key_result, current):
    start, target = key_result["start"], key_result["target"]
    up = target > start
    if (current >= target) if up else (current <= target):
        assert key_result_progress(key_result, current) == 1.0
    if (current <= start) if up else (current >= start):
        assert key_result_progress(key_result, current) == 0.0


@PROPERTY
@given(range_key_results(), st.data())
def test_a_value_inside_the_range_is_done(key_result, data):
    lower, upper = key_result["lower"], key_result["upper"]
    current = data.draw(st.floats(min_value=lower, max_value=upper))
    assert key_result_progress(key_result, current) == 1.0


@PROPERTY
@given(range_key_results(moderate), moderate, moderate)
def test_range_progress_falls_with_the_distance_outside_the_bounds(key_result, a, b):
    lower, upper = key_result["lower"], key_result["upper"]

    def distance(v):
        """Exact, as the function computes it: float subtraction could order two values the
        wrong way round when their distances are one rounding step apart."""
        return max(Fraction(lower) - Fraction(v), Fraction(v) - Fraction(upper), Fraction(0))

    near, far = sorted((a, b), key=distance)
    assert range_progress(lower, upper, near) >= range_progress(lower, upper, far)


@PROPERTY
@given(st.booleans())
def test_a_milestone_is_all_or_nothing(done):
    assert key_result_progress({"kind": "milestone"}, done) == (1.0 if done else 0.0)
    assert key_result_progress({"kind": "milestone"}) == 0.0


@PROPERTY
@given(st.sampled_from(NUMERIC_KINDS), finite, st.none() | finite)
def test_a_target_equal_to_its_start_is_a_value_error_not_a_division_by_zero(kind, start, current):
    with pytest.raises(ValueError) as err:
        key_result_progress({"kind": kind, "start": start, "target": start}, current)
    assert not isinstance(err.value, ZeroDivisionError)


@PROPERTY
@given(finite, finite, finite)
def test_a_range_whose_upper_bound_is_below_its_lower_is_a_value_error(a, b, current):
    assume(a != b)
    lower, upper = max(a, b), min(a, b)
    with pytest.raises(ValueError):
        key_result_progress(
            {"kind": "range", "lower": lower, "upper": upper, "baseline": lower}, current
        )


@PROPERTY
@given(st.text(max_size=20).filter(lambda k: k not in KINDS), finite)
def test_an_unknown_kind_is_a_value_error(kind, current):
    with pytest.raises(ValueError):
        key_result_progress({"kind": kind, "start": 0.0, "target": 1.0}, current)
