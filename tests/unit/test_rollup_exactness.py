"""Rollups are exact: a part of tiny (even subnormal) weight keeps its own progress, and the order
the children are read in changes nothing, not even the last bit."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from okr_projections.objectives.rollup import contribution, objective_rollup
from okr_shared.progress import weighted_progress

PROPERTY = settings(max_examples=150, deadline=None)
fraction = st.floats(min_value=0.0, max_value=1.0)


@PROPERTY
@given(fraction, st.floats(min_value=5e-324, max_value=1e-300))
@example(0.5, 5e-324)
def test_a_single_part_of_tiny_weight_rolls_up_to_its_own_progress(progress, weight):
    assert weighted_progress([(progress, weight)]) == progress


@PROPERTY
@given(
    st.lists(st.tuples(fraction, fraction), min_size=2, max_size=8),
    st.randoms(use_true_random=False),
)
@example([(0.1, 0.1), (0.1, 0.1), (0.1, 0.6)], None)
def test_the_order_of_the_children_does_not_change_the_rollup_at_all(pairs, rnd):
    children = [contribution(p, w) for p, w in pairs]
    shuffled = children[::-1] if rnd is None else rnd.sample(children, len(children))
    assert objective_rollup(0.3, shuffled) == objective_rollup(0.3, children)
