"""Events and snapshots stored before key-result kinds, owners types, corrections and commitments
existed are read back in today's shape."""

import uuid

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from okr_goals.contracts import to_cloud_event
from okr_goals.objectives.domain import Objective
from okr_goals.objectives.key_results import KeyResult
from okr_shared.contracts import default_registry
from okr_shared.event_meta import EventMeta
from tests.support.goals import goal_features

META = EventMeta(tenant_id="acme", actor_id="alice", correlation_id="c", causation_id="r")
SINCE_V1 = (
    "commitment",
    "owner_type",
    "org_unit_id",
    "tags",
    "visibility",
    "status",
    "alignments",
    "rolled_over_from",
    "class_version",
)


def as_version(app, domain_event, version, drop=(), snapshot=False) -> StoredEvent:
    """The stored form an event had under `version` of its class, without the fields `drop`; of
    a snapshot, the stored form of the aggregate's state under `version` of the aggregate class."""
    stored = app.store.mapper.to_stored_event(domain_event)
    outer = app.store.mapper.transcoder.decode(stored.state)
    state = outer["state"] if snapshot else outer
    for name in (*drop, "class_version"):
        state.pop(name, None)
    if version > 1:
        state["class_version"] = version
    return StoredEvent(
        stored.originator_id,
        stored.originator_version,
        stored.topic,
        app.store.mapper.transcoder.encode(outer),
    )


def as_version_1(app, domain_event, drop=(), kr_key=None) -> StoredEvent:
    """The stored form an event had under version 1 of its class."""
    stored = app.store.mapper.to_stored_event(domain_event)
    state = app.store.mapper.transcoder.decode(stored.state)
    for name in (*drop, "class_version"):
        state.pop(name, None)
    if kr_key:
        state[kr_key] = (
            [
                {k: kr[k] for k in ("key_result_id", "title", "start", "target", "unit", "weight")}
                for kr in state[kr_key]
            ]
            if isinstance(state[kr_key], list)
            else {
                k: state[kr_key][k]
                for k in ("key_result_id", "title", "start", "target", "unit", "weight")
            }
        )
    return StoredEvent(
        stored.originator_id,
        stored.originator_version,
        stored.topic,
        app.store.mapper.transcoder.encode(state),
    )


def objective(**fields) -> Objective:
    kr = KeyResult(str(uuid.uuid4()), "Churn", "decrease_to", None, 1.0, "%", start=5.0, target=2.0)
    return Objective.create(
        objective_id=uuid.uuid4(),
        title="Keep customers",
        description="",
        level="company",
        owner_type="person",
        owner_id="ceo",
        org_unit_id=None,
        cycle_id="2025-Q4",
        tags=[],
        visibility="public",
        status="active",
        key_results=[kr],
        alignments=[],
        meta=META,
        **fields,
    )


def test_version_1_events_in_the_store_load_in_todays_shape_and_publish_valid_contracts():
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    o = objective()
    o.add_key_result(
        KeyResult(
            str(uuid.uuid4()), "NPS", "increase_to", None, 1.0, "pts", start=30.0, target=60.0
        ),
        None,
        False,
        META,
    )
    o.revise({"title": "Keep more customers"}, "focus", False, META)
    created, added, revised = o.collect_events()
    app.store.recorder.insert_events(
        [
            as_version_1(app, created, drop=SINCE_V1, kr_key="key_results"),
            as_version_1(app, added, drop=("reason", "correction"), kr_key="key_result"),
            as_version_1(app, revised, drop=("correction",)),
        ]
    )
    loaded = app.store.repository.get(o.id)
    assert (loaded.owner_type, loaded.visibility, loaded.status, loaded.alignments) == (
        "person",
        "public",
        "active",
        [],
    )
    assert [k.kind for k in loaded.key_results] == ["decrease_to", "increase_to"]
    assert loaded.title == "Keep more customers" and loaded.commitment == "aspirational"
    events = list(app.store.events.get(o.id))
    assert events[2].correction is False and events[1].correction is False
    published = [to_cloud_event(e, default_registry()) for e in events]
    assert [p.dataschema.rsplit(":", 1)[1] for p in published] == ["3", "2", "3"]
    assert published[0].data["key_results"][0]["kind"] == "decrease_to"
    assert published[0].data["commitment"] == "aspirational"


def test_version_2_events_in_the_store_load_as_aspirational_and_publish_version_3():
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    o = objective()
    o.revise({"title": "Keep more customers"}, "focus", False, META)
    created, revised = o.collect_events()
    app.store.recorder.insert_events(
        [as_version(app, created, 2, drop=("commitment",)), as_version(app, revised, 2)]
    )
    loaded = app.store.repository.get(o.id)
    assert (loaded.commitment, loaded.title) == ("aspirational", "Keep more customers")
    events = list(app.store.events.get(o.id))
    assert events[0].commitment == "aspirational"
    published = [to_cloud_event(e, default_registry()) for e in events]
    assert [p.dataschema.rsplit(":", 1)[1] for p in published] == ["3", "3"]
    assert published[0].data["commitment"] == "aspirational"


def test_a_version_2_snapshot_loads_as_aspirational():
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    o = objective(commitment="committed")
    app.store.save(o)
    snapshot = Snapshot.take(app.store.repository.get(o.id))
    assert snapshot.state["class_version"] == 3 and snapshot.state["commitment"] == "committed"
    app.store.snapshots.recorder.insert_events(
        [as_version(app, snapshot, 2, drop=("commitment",), snapshot=True)]
    )
    # The events say committed: only a snapshot read as version 2 makes the objective aspirational.
    loaded = app.store.repository.get(o.id)
    assert loaded.commitment == "aspirational"
