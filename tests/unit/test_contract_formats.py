"""The `format`s the contracts declare are enforced, not only documented."""

import json

import pytest

from okr_shared.contracts import ContractViolation, default_registry
from okr_shared.contracts.registry import FORMATS, SCHEMA_DIR
from tests.support.goal_events import status_changed


def test_an_objective_id_that_is_not_a_uuid_is_refused():
    with pytest.raises(ContractViolation) as err:
        default_registry().validate(
            "goals", "ObjectiveStatusChanged", 1, status_changed(objective_id="not-a-uuid")
        )
    assert err.value.field == ("objective_id",)
    assert err.value.detail == "must be a valid uuid"


def test_a_uuid_objective_id_is_accepted():
    default_registry().validate("goals", "ObjectiveStatusChanged", 1, status_changed())


@pytest.mark.parametrize(
    "value, valid",
    [
        ("2026-02-16T12:00:00Z", True),
        ("2026-02-16T12:00:00.123456+00:00", True),
        ("2026-02-30T12:00:00Z", False),
        ("2026-02-16", False),
        ("2026-02-16T12:00:00", False),
    ],
)
def test_date_times_are_rfc3339(value, valid):
    assert FORMATS.conforms(value, "date-time") is valid


def test_dates_and_emails_are_checked():
    assert not FORMATS.conforms("2026-02-30", "date")
    assert not FORMATS.conforms("ada", "email")


def _formats(node):
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats(value)


def test_every_format_a_schema_declares_is_enforced():
    declared = {
        f for path in SCHEMA_DIR.glob("*/*.json") for f in _formats(json.loads(path.read_text()))
    }
    assert declared and declared <= set(FORMATS.checkers)
