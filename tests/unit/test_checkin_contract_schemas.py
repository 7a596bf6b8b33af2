"""Every event of the `okr.checkins.v1` catalogue has a versioned JSON Schema that rejects bad
data."""

import copy
import json
from pathlib import Path

import pytest

from okr_shared.confidence import band
from okr_shared.contracts import ContractViolation, default_registry
from okr_shared.contracts.registry import SCHEMA_DIR
from tests.support.catalogue import assert_schema_is_valid_and_documented, catalogue

CHECKINS = SCHEMA_DIR / "checkins"
C1, C2, O1, KR1, CV1, M1, F1 = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 8))


CHECK_IN = {
    "check_in_id": C1,
    "objective_id": O1,
    "key_result_id": KR1,
    "value": 42.5,
    "confidence": 8,
    "confidence_band": "on_track",
    "note": {"progress": "Two more deals closed.", "plans": "Pitch EMEA", "problems": ""},
    "blockers": ["Legal review"],
    "effective_at": "2026-10-12T09:30:00+02:00",
    "source": "manual",
    "source_key": None,
}
REMINDER = {
    "key_result_id": KR1,
    "objective_id": O1,
    "owner_id": "E1042",
    "cadence": "weekly",
    "period_start": "2026-10-12T00:00:00Z",
    "period_end": "2026-10-19T00:00:00Z",
}

EXAMPLES = {
    "CheckInRecorded": CHECK_IN,
    "CheckInCorrected": {
        **CHECK_IN,
        "check_in_id": C2,
        "value": True,
        "confidence": 5,
        "confidence_band": "at_risk",
        "blockers": [],
        "source": "integration",
        "source_key": "jira:OKR-17:2026-10-12",
        "effective_at": "2026-10-12T07:30:00.125Z",
        "corrects_check_in_id": C1,
        "reason": "The milestone was reported as open by mistake.",
    },
    "CheckInDue": REMINDER,
    "CheckInOverdue": {**REMINDER, "cadence": "monthly", "period_end": "2026-11-12T00:00:00-05:00"},
    "CadenceSet": {
        "scope": "org_unit",
        "org_unit_id": "sales",
        "cadence": "biweekly",
        "reason": None,
    },
    "ConversationStarted": {
        "conversation_id": CV1,
        "person_id": "E1042",
        "manager_id": "E7",
        "topic": "Q4 check-ins",
    },
    "ConversationMessagePosted": {
        "conversation_id": CV1,
        "message_id": M1,
        "author_id": "E7",
        "text": "How is the EMEA pitch going?",
    },
    "FeedbackGiven": {
        "feedback_id": F1,
        "objective_id": O1,
        "key_result_id": None,
        "kind": "praise",
        "text": "Great focus this quarter.",
        "author_id": "E7",
    },
}


def validate(name, data):
    default_registry().validate("checkins", name, catalogue("okr.checkins.v1")[name], data)


def test_every_catalogued_event_has_its_schema_as_the_latest_version():
    events = catalogue("okr.checkins.v1")
    assert set(events) == {
        "CheckInRecorded",
        "CheckInCorrected",
        "CheckInDue",
        "CheckInOverdue",
        "CadenceSet",
        "ConversationStarted",
        "ConversationMessagePosted",
        "FeedbackGiven",
    }
    for name, version in events.items():
        assert (CHECKINS / f"{name}.v{version}.json").is_file(), name
        assert default_registry().latest_version("checkins", name) == version, name
    assert {path.name.split(".")[0] for path in CHECKINS.glob("*.json")} == set(events)


@pytest.mark.parametrize("path", sorted(CHECKINS.glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_valid_2020_12_and_documented(path: Path):
    assert_schema_is_valid_and_documented(path, "checkins")


def test_a_correction_carries_every_field_of_a_check_in():
    recorded = json.loads((CHECKINS / "CheckInRecorded.v1.json").read_text())
    corrected = json.loads((CHECKINS / "CheckInCorrected.v1.json").read_text())
    assert set(corrected["required"]) == set(recorded["required"]) | {
        "corrects_check_in_id",
        "reason",
    }
    for field, spec in recorded["properties"].items():
        assert corrected["properties"][field] == spec, field


def test_there_is_an_example_for_every_event():
    assert set(EXAMPLES) == set(catalogue("okr.checkins.v1"))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_payload_is_valid(name):
    validate(name, EXAMPLES[name])


@pytest.mark.parametrize("confidence", range(11))
def test_the_band_computed_by_the_shared_helper_is_accepted(confidence):
    validate(
        "CheckInRecorded",
        {**CHECK_IN, "confidence": confidence, "confidence_band": band(confidence)},
    )


@pytest.mark.parametrize(
    "name, change",
    [
        ("CheckInRecorded", lambda d: d.update(value=0, source="integration", source_key="k")),
        (
            "CheckInRecorded",
            lambda d: d.update(value=False, effective_at="2026-10-12T09:30:00.5-03:30"),
        ),
        (
            "CadenceSet",
            lambda d: d.update(scope="tenant", org_unit_id=None, reason="company-wide rhythm"),
        ),
        ("FeedbackGiven", lambda d: d.update(key_result_id=KR1, kind="concern")),
    ],
)
def test_other_valid_variants(name, change):
    validate(name, _with(name, change))


def _with(name, change):
    data = copy.deepcopy(EXAMPLES[name])
    change(data)
    return data


BAD = [
    ("CheckInRecorded", lambda d: d.update(confidence=11), "confidence"),
    ("CheckInRecorded", lambda d: d.update(confidence=-1), "confidence"),
    ("CheckInRecorded", lambda d: d.update(confidence=7.5), "confidence"),
    ("CheckInRecorded", lambda d: d.update(confidence_band="fine"), "confidence_band"),
    ("CheckInRecorded", lambda d: d.update(confidence=2), "confidence_band"),
    ("CheckInRecorded", lambda d: d.update(value="12"), "value"),
    ("CheckInRecorded", lambda d: d.update(value=None), "value"),
    ("CheckInRecorded", lambda d: d.pop("effective_at"), "effective_at"),
    ("CheckInRecorded", lambda d: d.update(effective_at="2026-10-12T09:30:00"), "effective_at"),
    ("CheckInRecorded", lambda d: d.update(effective_at="2026-10-12"), "effective_at"),
    ("CheckInRecorded", lambda d: d["note"].pop("plans"), "plans"),
    ("CheckInRecorded", lambda d: d["note"].update(problems="x" * 4001), "note/problems"),
    ("CheckInRecorded", lambda d: d["note"].update(mood="good"), "mood"),
    ("CheckInRecorded", lambda d: d.update(blockers=[""]), "blockers/0"),
    ("CheckInRecorded", lambda d: d.update(blockers=["x" * 501]), "blockers/0"),
    ("CheckInRecorded", lambda d: d.update(blockers=["b"] * 21), "blockers"),
    ("CheckInRecorded", lambda d: d.update(source="email"), "source"),
    ("CheckInRecorded", lambda d: d.update(source_key="k" * 201), "source_key"),
    ("CheckInRecorded", lambda d: d.update(extra=1), "extra"),
    ("CheckInCorrected", lambda d: d.pop("corrects_check_in_id"), "corrects_check_in_id"),
    ("CheckInCorrected", lambda d: d.update(reason=""), "reason"),
    ("CheckInCorrected", lambda d: d.update(reason=None), "reason"),
    ("CheckInCorrected", lambda d: d.update(effective_at="2026-10-12 07:30:00Z"), "effective_at"),
    ("CheckInDue", lambda d: d.update(cadence="daily"), "cadence"),
    ("CheckInDue", lambda d: d.update(owner_id=""), "owner_id"),
    ("CheckInOverdue", lambda d: d.update(period_end="2026-11-12T00:00:00"), "period_end"),
    ("CheckInOverdue", lambda d: d.pop("period_start"), "period_start"),
    ("CadenceSet", lambda d: d.update(scope="team"), "scope"),
    ("CadenceSet", lambda d: d.update(org_unit_id=None), "org_unit_id"),
    ("CadenceSet", lambda d: d.update(scope="tenant"), "org_unit_id"),
    ("ConversationStarted", lambda d: d.update(manager_id="x" * 101), "manager_id"),
    ("ConversationStarted", lambda d: d.update(topic="t" * 201), "topic"),
    ("ConversationMessagePosted", lambda d: d.update(text=""), "text"),
    ("ConversationMessagePosted", lambda d: d.update(text="t" * 4001), "text"),
    ("FeedbackGiven", lambda d: d.update(kind="complaint"), "kind"),
    ("FeedbackGiven", lambda d: d.pop("author_id"), "author_id"),
]


@pytest.mark.parametrize(
    "name, change, field", BAD, ids=[f"{n}-{f}-{i}" for i, (n, _, f) in enumerate(BAD)]
)
def test_bad_payload_is_a_contract_violation_naming_the_field(name, change, field):
    version = catalogue("okr.checkins.v1")[name]
    with pytest.raises(ContractViolation) as err:
        default_registry().validate_opened("checkins", name, version, _with(name, change))
    assert f"'{field}'" in err.value.reason  # quoted: 'confidence' must not match 'confidence_band'
