"""Rollup along alignment links: the value of one objective and the order ancestors are refreshed
in."""

import pytest

from okr_projections.objectives.rollup import contribution, objective_rollup, refresh_order


def test_own_progress_counts_as_one_part_beside_the_weighted_children():
    children = [contribution(1.0, 1.0), contribution(0.0, 0.5)]
    assert objective_rollup(0.5, children) == pytest.approx((1.0 + 0.0 + 0.5) / 2.5)


def test_an_objective_without_key_results_is_the_weighted_mean_of_its_children():
    assert objective_rollup(
        None, [contribution(1.0, 0.75), contribution(0.0, 0.25)]
    ) == pytest.approx(0.75)


def test_a_child_of_zero_weight_changes_nothing():
    assert objective_rollup(0.4, [contribution(1.0, 0.0)]) == pytest.approx(0.4)


def test_nothing_to_roll_up_is_zero():
    assert objective_rollup(None, []) == 0.0


def test_children_are_refreshed_before_every_parent_in_a_diamond():
    # c -> b -> a and c -> a: a must come after b even though c names a first.
    order = refresh_order({"c": ["a", "b"], "b": ["a"], "a": []})
    assert order == ["c", "b", "a"]


def test_links_to_objectives_outside_the_set_are_ignored():
    assert refresh_order({"c": ["unknown", "b"], "b": []}) == ["c", "b"]


def test_a_cycle_in_bad_data_still_refreshes_each_member_once():
    order = refresh_order({"x": ["a"], "a": ["b"], "b": ["a"]})
    assert order[0] == "x" and sorted(order) == ["a", "b", "x"]
