"""Reward policies: each broken rule refused naming its field, nothing stored; versions kept."""

import copy

import pytest

from okr_incentives.policies.commands import SetRewardPolicy
from okr_incentives.policies.domain import check_policy
from okr_shared.errors import Forbidden, InvalidField, NotFound
from tests.support.incentives import ADMIN, POLICY, SmallOrg, caller


def changed(path, value):
    """POLICY with the value at `path` (keys and indexes) replaced, or removed when None."""
    policy = copy.deepcopy(POLICY)
    node = policy
    for part in path[:-1]:
        node = node[part]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return policy


BROKEN = [
    (changed(("bands", 1, "from"), 0.3), "#/bands/1/from", "overlaps"),
    (changed(("bands", 1, "from"), 0.5), "#/bands/1/from", "gap"),
    (changed(("bands", 0, "from"), 0.1), "#/bands/0/from", "gap"),
    (changed(("bands", 2, "to"), 0.9), "#/bands/2/to", "1.0"),
    (changed(("bands", 1, "to"), 0.4), "#/bands/1/to", "above"),
    (changed(("bands",), []), "#/bands", "1 to 20"),
    (changed(("bands", 2, "points"), -5), "#/bands/2/points", "below 0"),
    (changed(("bands", 2, "multiplier"), -0.5), "#/bands/2/multiplier", "negative"),
    (changed(("level_factors", "team"), -1), "#/level_factors/team", "negative"),
    (changed(("level_factors", "squad"), 1), "#/level_factors/squad", "one of"),
    (
        changed(("commitment_factors", "committed"), -0.1),
        "#/commitment_factors/committed",
        "negative",
    ),
    (changed(("caps", "per_person"), -1), "#/caps/per_person", "below 0"),
    (changed(("caps", "per_cycle"), -10), "#/caps/per_cycle", "below 0"),
    (changed(("budgets", "web"), -1), "#/budgets/web", "below 0"),
    (changed(("eligibility", "min_days_in_cycle"), -3), "#/eligibility/min_days_in_cycle", "below"),
    (changed(("eligibility", "levels"), ["squad"]), "#/eligibility/levels/0", "one of"),
]


@pytest.mark.parametrize("policy, pointer, words", BROKEN, ids=[b[1] for b in BROKEN])
def test_a_broken_policy_is_refused_naming_the_field_and_nothing_is_stored(policy, pointer, words):
    org = SmallOrg()
    with pytest.raises(InvalidField) as refused:
        org.policies.set_policy(SetRewardPolicy("bonus", policy, "try"), ADMIN)
    assert refused.value.field == pointer and words in refused.value.message
    assert refused.value.status == 422
    assert org.stored() == 0


def test_bands_given_in_any_order_are_sorted_and_defaults_filled_in():
    policy = check_policy({**POLICY, "bands": list(reversed(POLICY["bands"]))})
    assert [b["from"] for b in policy["bands"]] == [0.0, 0.4, 0.7]
    assert policy["level_factors"] == {
        "company": 1.0,
        "department": 2.0,
        "team": 1.5,
        "individual": 1.0,
    }
    assert policy["eligibility"]["levels"] == ["company", "department", "team", "individual"]
    assert policy["caps"] == {"per_person": 180, "per_cycle": None}


def test_only_an_admin_sets_a_policy_and_every_version_is_kept():
    org = SmallOrg()
    with pytest.raises(Forbidden):
        org.policies.set_policy(SetRewardPolicy("bonus", POLICY), caller("dev"))
    assert org.stored() == 0
    first = org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "first"), ADMIN)
    second = org.policies.set_policy(
        SetRewardPolicy("bonus", changed(("caps", "per_person"), 150), "tighter"), ADMIN
    )
    assert (first["version"], second["version"]) == (1, 2)
    assert org.policies.policy(caller("dev"), "bonus")["caps"]["per_person"] == 150
    assert org.policies.policy(caller("dev"), "bonus", 1)["caps"]["per_person"] == 180
    with pytest.raises(NotFound):
        org.policies.policy(caller("dev"), "bonus", 3)
    with pytest.raises(NotFound):
        org.policies.policy(caller("dev", tenant="other"), "bonus")
