"""Properties of the rollup along alignment links: a weighted mean, whatever the order or weights
of the parts, and a refresh order that puts children first."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okr_projections.objectives.rollup import contribution, objective_rollup, refresh_order
from okr_shared.progress import weighted_progress

PROPERTY = settings(max_examples=150, deadline=None)

fraction = st.floats(min_value=0.0, max_value=1.0)
weight = st.floats(min_value=0.0, max_value=1.0)
contributions = st.lists(st.builds(contribution, fraction, weight), max_size=12)
own = st.none() | fraction


def parts(own_progress, children):
    return [(c["rollup_progress"], c["weight"]) for c in children] + (
        [] if own_progress is None else [(own_progress, 1.0)]
    )


@PROPERTY
@given(own, contributions)
def test_a_rollup_lies_between_the_least_and_most_progress_that_has_weight(own_progress, children):
    rollup = objective_rollup(own_progress, children)
    weighted = [p for p, w in parts(own_progress, children) if w > 0]
    assert 0.0 <= rollup <= 1.0
    if weighted:
        assert min(weighted) - 1e-12 <= rollup <= max(weighted) + 1e-12
    else:
        assert rollup == 0.0


@PROPERTY
@given(own, contributions, st.lists(fraction, max_size=5))
def test_children_of_zero_weight_change_nothing(own_progress, children, ignored):
    with_ignored = children + [contribution(p, 0.0) for p in ignored]
    assert objective_rollup(own_progress, with_ignored) == pytest.approx(
        objective_rollup(own_progress, children), abs=1e-12
    )


@PROPERTY
@given(own, contributions, st.randoms(use_true_random=False))
def test_the_order_of_the_children_does_not_matter(own_progress, children, rnd):
    shuffled = list(children)
    rnd.shuffle(shuffled)
    assert objective_rollup(own_progress, shuffled) == pytest.approx(
        objective_rollup(own_progress, children), abs=1e-12
    )


@PROPERTY
@given(
    st.lists(
        st.tuples(fraction, st.floats(min_value=1e-6, max_value=1.0)), min_size=1, max_size=12
    ),
    st.floats(min_value=1e-3, max_value=1e3),
)
def test_scaling_every_weight_alike_keeps_the_mean(pairs, factor):
    scaled = [(p, w * factor) for p, w in pairs]
    assert weighted_progress(scaled) == pytest.approx(weighted_progress(pairs), abs=1e-9)


@PROPERTY
@given(fraction, st.lists(st.builds(contribution, st.just(0.0), weight), max_size=5))
def test_children_with_nothing_done_never_raise_the_rollup_above_its_own_progress(p, children):
    assert objective_rollup(p, children) <= p + 1e-12


names = st.sampled_from([f"o{i}" for i in range(8)])


@PROPERTY
@given(st.dictionaries(names, st.lists(names, max_size=4), max_size=8))
def test_refresh_order_names_every_objective_once(parents):
    assert sorted(refresh_order(parents)) == sorted(parents)


@PROPERTY
@given(st.lists(st.lists(st.integers(0, 7), max_size=3), min_size=1, max_size=8))
def test_in_a_graph_without_cycles_every_child_comes_before_its_parents(links):
    # Objective i may only align to objectives with a higher number: no cycle is possible.
    parents = {f"o{i}": [f"o{j}" for j in ps if i < j < len(links)] for i, ps in enumerate(links)}
    order = refresh_order(parents)
    position = {node: n for n, node in enumerate(order)}
    assert all(position[child] < position[parent] for child, ps in parents.items() for parent in ps)
