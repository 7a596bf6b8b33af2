"""Events and snapshots stored before the goal service was split into feature packages still load.

The fixture `tests/support/fixtures/goals_store_before_feature_packages.sqlite` was written by
the goal service as it stood before the move (commit 4da6939): a directory import, re-imports
with renames, moves, a departure and a return, objectives with every kind of change,
alignments, a declined proposal, a rollover, a cycle through every state, and a snapshot of
every aggregate. Its events carry topics such as `okr_goals.domain.objective:Objective.Created`
and its snapshots `originator_topic`s such as `okr_goals.domain.objective:Objective`. The JSON
beside it is what each aggregate looked like when read back by that code; fields added since
(`ADDED_SINCE`) read as what the old data meant.
"""

import json
import shutil
from pathlib import Path
from uuid import UUID

from eventsourcing.utils import resolve_topic

from okr_goals.cycles.domain import Cycle
from okr_goals.directory.domain import OrgUnit, Person
from okr_goals.objectives.domain import Objective
from okr_goals.roster import Roster
from okr_goals.store import GoalsStore

FIXTURES = Path(__file__).parents[1] / "support" / "fixtures"
STORE = FIXTURES / "goals_store_before_feature_packages.sqlite"
EXPECTED = FIXTURES / "goals_store_before_feature_packages.json"
OLD_EVENT_TOPICS = {
    *(
        f"okr_goals.domain.cycle:Cycle.{name}"
        for name in ("Planned", "Activated", "GradingStarted", "Closed")
    ),
    *(f"okr_goals.domain.directory:OrgUnit.{name}" for name in ("Created", "Renamed", "Moved")),
    *(
        f"okr_goals.domain.directory:Person.{name}"
        for name in ("Joined", "DetailsChanged", "Moved", "Left", "Returned")
    ),
    *(
        f"okr_goals.domain.objective:Objective.{name}"
        for name in (
            "Created",
            "Revised",
            "StatusChanged",
            "KeyResultAdded",
            "KeyResultRevised",
            "InitiativeAdded",
            "InitiativeRevised",
            "Aligned",
            "AlignmentRevised",
            "AlignmentRemoved",
            "AlignmentProposed",
            "AlignmentProposalDeclined",
            "RolledOver",
        )
    ),
    "okr_goals.domain.roster:Roster.Opened",
    "okr_goals.domain.roster:Roster.Enrolled",
}


OLD_AGGREGATE_TOPICS = {
    "okr_goals.domain.cycle:Cycle": Cycle,
    "okr_goals.domain.directory:OrgUnit": OrgUnit,
    "okr_goals.domain.directory:Person": Person,
    "okr_goals.domain.objective:Objective": Objective,
    "okr_goals.domain.roster:Roster": Roster,
}


ADDED_SINCE = {"Objective": {"commitment": "aspirational"}}
"""By aggregate type, the fields added after the fixture was written and what old data means."""


def as_read_now(expected: dict) -> dict:
    """What the fixture's aggregate looks like read by today's code: its old state and the fields
    added since."""
    added = ADDED_SINCE.get(expected["type"], {})
    return {**expected, "state": {**expected["state"], **added}}


def summary(aggregate) -> dict:
    state = {k: v for k, v in vars(aggregate).items() if not k.startswith("_")}
    return {
        "type": type(aggregate).__name__,
        "version": aggregate.version,
        "state": json.loads(json.dumps(state, default=repr, sort_keys=True)),
    }


def old_store(tmp_path: Path) -> GoalsStore:
    copy = tmp_path / "goals.sqlite"
    shutil.copy(STORE, copy)
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(copy)}
    return GoalsStore(env=env)


def test_the_fixture_holds_every_old_event_topic_and_a_snapshot_of_every_aggregate(tmp_path):
    store = old_store(tmp_path)
    notifications = store.recorder.select_notifications(1, 10_000)
    assert {n.topic for n in notifications} == OLD_EVENT_TOPICS
    snapshot_topics = {
        snapshot.topic
        for aggregate_id in json.loads(EXPECTED.read_text())
        for snapshot in store.snapshots.get(UUID(aggregate_id))
    }
    assert snapshot_topics == set(OLD_AGGREGATE_TOPICS)


def test_events_stored_under_the_old_topics_rebuild_every_aggregate_as_it_was(tmp_path):
    store = old_store(tmp_path)
    for aggregate_id, expected in json.loads(EXPECTED.read_text()).items():
        aggregate = None
        for domain_event in store.events.get(UUID(aggregate_id)):
            aggregate = domain_event.mutate(aggregate)
        assert summary(aggregate) == as_read_now(expected), aggregate_id


def test_snapshots_stored_under_the_old_topics_load_every_aggregate_as_it_was(tmp_path):
    store = old_store(tmp_path)
    for aggregate_id, expected in json.loads(EXPECTED.read_text()).items():
        assert summary(store.repository.get(UUID(aggregate_id))) == as_read_now(expected), (
            aggregate_id
        )


def test_every_old_topic_names_the_class_at_its_new_place():
    for topic, aggregate in OLD_AGGREGATE_TOPICS.items():
        assert resolve_topic(topic) is aggregate
    for topic in OLD_EVENT_TOPICS:
        module, qualname = topic.split(":")
        aggregate_name, event_name = qualname.split(".")
        aggregate = OLD_AGGREGATE_TOPICS[f"{module}:{aggregate_name}"]
        assert resolve_topic(topic) is getattr(aggregate, event_name)


def test_objectives_stored_before_commitments_existed_load_as_aspirational(tmp_path):
    store = old_store(tmp_path)
    objectives = [
        UUID(aggregate_id)
        for aggregate_id, expected in json.loads(EXPECTED.read_text()).items()
        if expected["type"] == "Objective"
    ]
    assert objectives
    for objective_id in objectives:
        assert store.repository.get(objective_id).commitment == "aspirational"
        first = next(iter(store.events.get(objective_id)))
        assert first.commitment == "aspirational"
