"""Progress stays right for the largest finite numbers the goal service accepts: a start-to-target
distance or a range width beyond the largest float must not turn into infinity or NaN."""

import math
import sys

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from okr_shared.progress import key_result_progress

PROPERTY = settings(max_examples=150, deadline=None)
finite = st.floats(allow_nan=False, allow_infinity=False)


@PROPERTY
@given(finite, finite)
@example(-1e308, 1e308)
def test_an_increase_to_key_result_on_its_target_is_done(start, target):
    if target <= start:
        start, target = target, start
    assume(start != target)
    key_result = {"kind": "increase_to", "start": start, "target": target}
    assert key_result_progress(key_result, target) == 1.0


@PROPERTY
@given(finite, finite)
@example(-1e308, 1e308)
def test_a_value_beyond_the_upper_bound_of_a_range_is_not_done(lower, upper):
    lower, upper = sorted((lower, upper))
    width = upper - lower
    top = sys.float_info.max
    current = min(upper + width / 2, top) if math.isfinite(width) else top
    assume(current > upper)
    key_result = {"kind": "range", "lower": lower, "upper": upper, "baseline": lower}
    assert key_result_progress(key_result, current) < 1.0
