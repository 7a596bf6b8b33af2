"""Score distributions: count, exact mean, population spread and band shares, per group."""

import pytest

from okr_shared.distribution import ScoredObjective, distribution, summary


def scored(score, color, commitment="aspirational", unit="web", manager="lead", oid=None):
    return ScoredObjective(oid or f"o{score}{color}", score, color, commitment, unit, manager)


def test_summary_is_exact_and_shares_cover_every_colour():
    found = summary([scored(0.1, "red"), scored(0.2, "red"), scored(0.7, "green")])
    assert found["count"] == 3
    assert found["mean"] == pytest.approx(1 / 3) and found["mean"] == 0.333333
    assert found["spread"] == pytest.approx(0.2624669, abs=1e-6)
    assert found["bands"] == {"red": 0.666667, "yellow": 0.0, "green": 0.333333}


def test_an_empty_group_is_all_zero():
    assert summary([]) == {
        "count": 0,
        "mean": 0.0,
        "spread": 0.0,
        "bands": {"red": 0.0, "yellow": 0.0, "green": 0.0},
    }


def test_groups_per_unit_manager_and_commitment():
    items = [
        scored(1.0, "green", "committed", "web", "lead"),
        scored(0.4, "yellow", "aspirational", "web", "lead"),
        scored(0.6, "yellow", "aspirational", "pay", None),
    ]
    found = distribution(items)
    assert found["overall"]["count"] == 3
    assert {k: v["count"] for k, v in found["by_org_unit"].items()} == {"pay": 1, "web": 2}
    assert {k: v["count"] for k, v in found["by_manager"].items()} == {"": 1, "lead": 2}
    assert found["by_commitment"]["committed"]["mean"] == 1.0
    assert found["by_commitment"]["aspirational"]["mean"] == 0.5
    assert found["by_commitment"]["aspirational"]["spread"] == pytest.approx(0.1)
