"""Data checked once is not checked again by the same registry (save, relay and chainer see
the same event); anything that differs is checked afresh, and refusals are never remembered."""

import pytest

from okr_shared.contracts import ContractRegistry, ContractViolation
from tests.support.goal_events import status_changed


class Counted:
    """A validator that counts its runs."""

    def __init__(self, validator):
        self.validator, self.runs = validator, 0

    def iter_errors(self, data):
        self.runs += 1
        return self.validator.iter_errors(data)


@pytest.fixture
def checks():
    """The registry, and its validator of ObjectiveStatusChanged v1, counting its runs."""
    registry = ContractRegistry()
    key = ("goals", "ObjectiveStatusChanged", 1)
    counted = Counted(registry._validators[key])
    registry._validators[key] = counted
    return registry, counted


def test_the_same_data_again_is_not_validated_again(checks):
    registry, runs = checks
    data = status_changed()

    registry.validate("goals", "ObjectiveStatusChanged", 1, data)
    registry.validate("goals", "ObjectiveStatusChanged", 1, dict(reversed(data.items())))

    assert runs.runs == 1


def test_data_that_differs_in_one_value_is_validated_afresh(checks):
    registry, runs = checks
    data = status_changed()
    registry.validate("goals", "ObjectiveStatusChanged", 1, data)

    with pytest.raises(ContractViolation) as err:
        registry.validate("goals", "ObjectiveStatusChanged", 1, {**data, "status": "sleeping"})

    assert err.value.field == ("status",)
    assert runs.runs == 2


def test_a_refusal_is_not_remembered_as_a_pass(checks):
    registry, runs = checks
    bad = status_changed(objective_id="not-a-uuid")

    for _ in range(2):
        with pytest.raises(ContractViolation):
            registry.validate("goals", "ObjectiveStatusChanged", 1, bad)

    assert runs.runs == 2


def test_data_that_is_not_json_is_always_validated(checks):
    registry, runs = checks
    data = status_changed(reason=object())

    for _ in range(2):
        with pytest.raises(ContractViolation):
            registry.validate("goals", "ObjectiveStatusChanged", 1, data)

    assert runs.runs == 2
