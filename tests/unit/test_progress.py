import pytest

from okr_shared.progress import numeric_progress, weighted_progress


def test_increase_to_progress_is_share_of_distance_covered():
    assert numeric_progress(start=30, target=60, current=45) == pytest.approx(0.5)


def test_decrease_to_progress_works_when_target_is_below_start():
    assert numeric_progress(start=10, target=2, current=4) == pytest.approx(0.75)


def test_progress_is_clamped_between_zero_and_one():
    assert numeric_progress(0, 10, 15) == 1.0
    assert numeric_progress(0, 10, -5) == 0.0


def test_target_equal_to_start_has_no_progress_definition():
    with pytest.raises(ValueError):
        numeric_progress(5, 5, 5)


def test_weighted_progress_normalises_weights():
    assert weighted_progress([(1.0, 0.2), (0.0, 0.2)]) == pytest.approx(0.5)
    assert weighted_progress([(0.5, 0.0)]) == 0.0
