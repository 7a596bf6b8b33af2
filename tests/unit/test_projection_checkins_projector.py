"""The projector with in-memory stores: check-ins and reminders into their read models and the
objectives they move."""

import pytest

from okr_projections.bootstrap import build_projector
from okr_projections.check_in_state import check_in_state, effective_within
from okr_projections.check_ins.domain import apply_check_in_event, empty_log, key_result_key
from okr_projections.due.domain import OPEN_STATUSES, apply_reminder, due_key, period_of, settled
from okr_projections.objectives.domain import apply_event, with_check_ins
from okr_projections.store import Folded
from tests.support.check_in_events import WEEK1, WEEK2, corrected, meta, recorded, reminder
from tests.support.fake_stores import FakeStore
from tests.support.goal_events import created, kr
from tests.support.goal_events import meta as goal_meta


def versioned(docs, key, version, fold):
    current = docs.get(key)
    if current is not None and current["version"] >= version:
        return Folded(False, current)
    docs[key] = fold(current)
    return Folded(True, docs[key])


class Objectives:
    def __init__(self):
        self.docs, self.rollups = {}, []

    async def apply(self, event_type, data, meta):
        return versioned(
            self.docs,
            data["objective_id"],
            meta["version"],
            lambda current: apply_event(current, event_type, data, meta),
        )

    async def apply_check_ins(self, tenant_id, objective_id, states):
        if objective_id not in self.docs:
            return None
        self.docs[objective_id] = with_check_ins(self.docs[objective_id], states)
        return self.docs[objective_id]

    async def refresh_rollups(self, tenant_id, doc, named_parents=()):
        self.rollups.append((doc["_id"], doc["progress"]))


class CheckIns:
    def __init__(self):
        self.docs = {}

    async def apply(self, data, meta):
        return versioned(
            self.docs,
            key_result_key(meta["tenant_id"], data["key_result_id"]),
            meta["version"],
            lambda current: apply_check_in_event(current, data, meta),
        )

    async def states(self, tenant_id, key_result_ids):
        docs = [self.docs.get(key_result_key(tenant_id, k)) for k in key_result_ids]
        return {
            d["key_result_id"]: check_in_state(d["check_ins"]) for d in docs if d and d["check_ins"]
        }

    async def add_period(self, data, meta):
        key = key_result_key(meta["tenant_id"], data["key_result_id"])
        doc = self.docs.setdefault(key, empty_log(data, meta))
        if period_of(data) not in doc["reminder_periods"]:
            doc["reminder_periods"].append(period_of(data))
        return doc


class Due:
    def __init__(self):
        self.docs = {}

    async def apply_reminder(self, event_type, data, meta, check_ins):
        key = due_key(meta["tenant_id"], data["key_result_id"], data["period_start"])
        done_by = effective_within(check_ins, data["period_start"], data["period_end"])
        doc = apply_reminder(self.docs.get(key), event_type, data, meta, done_by)
        changed, self.docs[key] = doc != self.docs.get(key), doc
        return changed

    async def settle(self, tenant_id, key_result_id, periods, check_ins):
        for period in periods:
            key = due_key(tenant_id, key_result_id, period["period_start"])
            if key in self.docs:
                self.docs[key] = settled(
                    self.docs[key],
                    effective_within(check_ins, period["period_start"], period["period_end"]),
                )

    def statuses(self):
        return {d["period_start"].day: d["status"] for d in self.docs.values()}

    def open(self):
        return sorted(
            d["period_start"].day for d in self.docs.values() if d["status"] in OPEN_STATUSES
        )


@pytest.fixture
def world():
    objectives, check_ins, due = Objectives(), CheckIns(), Due()
    return (
        build_projector(
            objectives, FakeStore(), FakeStore(), FakeStore(), check_ins=check_ins, due=due
        ),
        objectives,
        due,
    )


def key_result_of(objectives, objective_id="o1", key_result_id="k1"):
    return next(
        k
        for k in objectives.docs[objective_id]["key_results"]
        if k["key_result_id"] == key_result_id
    )


async def test_a_check_in_moves_its_key_result_and_objective_then_refreshes_the_rollup(world):
    projector, objectives, _ = world
    await projector.project(
        "ObjectiveCreated", created(key_results=[kr("k1", start=30.0, target=60.0)]), goal_meta(1)
    )
    assert await projector.project("CheckInRecorded", recorded(value=45.0, confidence=8), meta(2))
    k1 = key_result_of(objectives)
    assert (k1["current"], k1["progress"], k1["checked_in"], k1["confidence_band"]) == (
        45.0,
        0.5,
        True,
        "on_track",
    )
    assert objectives.rollups[-1] == ("o1", 0.5)


async def test_a_duplicated_check_in_is_not_applied_again_but_still_completes_the_objective(world):
    projector, objectives, _ = world
    assert await projector.project("CheckInRecorded", recorded(value=45.0), meta(2))
    await projector.project(
        "ObjectiveCreated", created(key_results=[kr("k1", start=30.0, target=60.0)]), goal_meta(1)
    )
    assert not await projector.project("CheckInRecorded", recorded(value=45.0), meta(2))
    assert key_result_of(objectives)["current"] == 45.0 and objectives.rollups[-1] == ("o1", 0.5)


async def test_a_check_in_before_its_objective_is_stored_and_applied_when_the_objective_is_created(
    world,
):
    projector, objectives, _ = world
    await projector.project("CheckInRecorded", recorded(value=60.0), meta(2))
    assert objectives.docs == {}
    await projector.project(
        "ObjectiveCreated", created(key_results=[kr("k1", start=30.0, target=60.0)]), goal_meta(1)
    )
    assert key_result_of(objectives)["progress"] == 1.0 and objectives.docs["o1"]["progress"] == 1.0
    assert objectives.rollups == [("o1", 1.0)]


async def test_a_check_in_before_its_key_result_is_applied_when_the_key_result_is_added(world):
    projector, objectives, _ = world
    await projector.project("ObjectiveCreated", created(key_results=[kr("k0")]), goal_meta(1))
    await projector.project("CheckInRecorded", recorded(value=True), meta(2))
    assert [k["key_result_id"] for k in objectives.docs["o1"]["key_results"]] == ["k0"]
    await projector.project(
        "KeyResultAdded",
        {
            "objective_id": "o1",
            "key_result": kr("k1", kind="milestone", start=None, target=None),
            "reason": None,
            "correction": False,
        },
        goal_meta(2),
    )
    assert key_result_of(objectives)["current"] is True and objectives.docs["o1"]["progress"] == 0.5


async def test_a_correction_replaces_the_value_it_corrects(world):
    projector, objectives, _ = world
    await projector.project(
        "ObjectiveCreated", created(key_results=[kr("k1", start=30.0, target=60.0)]), goal_meta(1)
    )
    await projector.project("CheckInRecorded", recorded(value=60.0, confidence=9), meta(2))
    await projector.project(
        "CheckInCorrected", corrected("c2", "c1", value=36.0, confidence=4), meta(3)
    )
    k1 = key_result_of(objectives)
    assert (k1["current"], k1["progress"], k1["confidence_band"], k1["confidence_trend"]) == (
        36.0,
        pytest.approx(0.2),
        "at_risk",
        "steady",
    )


async def test_due_then_overdue_stays_open_until_a_check_in_effective_within_the_period_marks_it_done(  # noqa: E501
    world,
):
    projector, _, due = world
    assert await projector.project("CheckInDue", reminder(WEEK1), meta(2))
    assert not await projector.project("CheckInDue", reminder(WEEK1), meta(2))
    await projector.project("CheckInOverdue", reminder(WEEK1), meta(3))
    await projector.project("CheckInDue", reminder(WEEK2), meta(4))
    assert due.statuses() == {5: "overdue", 12: "due"}
    await projector.project(
        "CheckInRecorded", recorded(effective_at="2026-01-11T23:00:00+00:00"), meta(2)
    )
    assert due.statuses() == {5: "done", 12: "due"} and due.open() == [12]


async def test_a_due_arriving_after_a_check_in_within_its_period_is_stored_done(world):
    projector, _, due = world
    await projector.project(
        "CheckInRecorded", recorded(effective_at="2026-01-13T08:00:00+00:00"), meta(2)
    )
    await projector.project("CheckInDue", reminder(WEEK2), meta(2))
    assert due.statuses() == {12: "done"}


async def test_a_correction_moving_the_check_in_to_another_period_reopens_the_first_and_settles_the_second(  # noqa: E501
    world,
):
    projector, _, due = world
    await projector.project("CheckInDue", reminder(WEEK1), meta(2))
    await projector.project("CheckInDue", reminder(WEEK2), meta(3))
    await projector.project(
        "CheckInRecorded", recorded(effective_at="2026-01-06T08:00:00+00:00"), meta(2)
    )
    assert due.statuses() == {5: "done", 12: "due"}
    await projector.project(
        "CheckInCorrected", corrected("c2", "c1", effective_at="2026-01-13T08:00:00+00:00"), meta(3)
    )
    assert due.statuses() == {5: "due", 12: "done"}


@pytest.mark.parametrize(
    "event_type",
    ["CadenceSet", "ConversationStarted", "ConversationMessagePosted", "FeedbackGiven"],
)
async def test_check_in_events_no_read_model_needs_are_skipped_not_dead_lettered(world, event_type):
    projector, objectives, due = world
    assert await projector.project(event_type, {}, meta(2)) is False
    assert objectives.docs == {} and due.docs == {}
