"""Commitment: an objective is committed (expected at 1.0) or aspirational (the default, a stretch
goal); set when created, revised like any field, published in `ObjectiveCreated` and
`ObjectiveRevised` v3, kept by a rollover, and known to the read models and the check-in service,
which read older events as aspirational."""

import hashlib
import json
from dataclasses import asdict, replace
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from okr_checkins.knowledge.store import apply_goal_event
from okr_goals.bootstrap import bootstrap
from okr_goals.contracts import to_cloud_event
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.errors import IdempotencyConflict, InvalidField
from okr_goals.http import create_http_app
from okr_goals.objectives.commands import Change, CreateObjective, ReviseObjective
from okr_goals.rollover.commands import RolloverCycle
from okr_goals.settings import GoalsSettings
from okr_projections.documents import public_view
from okr_projections.objectives.domain import apply_event
from okr_projections.objectives.schemas import ObjectiveProgressOut
from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.contracts import default_registry
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.checkins import learn_from
from tests.support.goal_events import created, kr, meta
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, NEXT_CYCLE, seed

BODY = {
    "title": "Best UX",
    "owner_type": "org_unit",
    "owner_id": "acme",
    "level": "company",
    "cycle_id": CYCLE,
}
OBJECTIVE_ID = "00000000-0000-4000-8000-000000000001"
KEY_RESULT_ID = "00000000-0000-4000-8000-000000000002"


@pytest.fixture
def service():
    container = bootstrap(GoalsSettings(event_store={"PERSISTENCE_MODULE": "eventsourcing.popo"}))
    seed(container.features)
    with TestClient(create_http_app(container, run_relay=False)) as client:
        yield client, container.features


@pytest.fixture
def auth(issuer):
    return {"Authorization": f"Bearer {issuer.issue('acme', 'ceo', roles=('admin',))}"}


def published(app) -> list[CloudEvent]:
    """Every stored event of `app` in the form the relay publishes."""
    first_versions: dict = {}

    def first(e):
        return first_versions.setdefault(
            e.originator_id, app.store.repository.get(e.originator_id, version=1)
        )

    forms = (
        to_cloud_event(app.store.mapper.to_domain_event(n), default_registry(), first)
        for n in app.store.recorder.select_notifications(0, 10_000)
    )
    return [f for f in forms if f is not None]


def of_objective(app, objective_id: str) -> list[CloudEvent]:
    return [e for e in published(app) if e.subject == objective_id]


def version_of(event: CloudEvent) -> int:
    return int(event.dataschema.rsplit(":", 1)[1])


def pointers(response) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["pointer"] for e in response.json()["errors"]]


def old_event(name: str, version: int, data: dict) -> CloudEvent:
    """A goal event as a producer of an earlier contract version published it."""
    return CloudEvent(
        id=f"{name}-{version}",
        source="/okr/goals",
        type=f"okr.goals.{name}",
        subject=data["objective_id"],
        time=datetime.now(UTC),
        dataschema=schema_urn("goals", name, version),
        data=data,
        tenantid="acme",
        actorid="ceo",
        correlationid="c",
        causationid="c",
        sequence=1,
    )


def v2_created() -> dict:
    """`ObjectiveCreated` data of version 2: no commitment."""
    data = created(OBJECTIVE_ID, key_results=[kr(KEY_RESULT_ID)])
    data.pop("commitment")
    return data


# ---- the goal service


def test_an_objective_set_as_committed_shows_it_and_publishes_it_in_version_3(service, auth):
    client, app = service
    r = client.post("/v1/objectives", json={**BODY, "commitment": "committed"}, headers=auth)
    assert r.status_code == 201, r.text
    oid = r.json()["objective_id"]
    assert r.json()["commitment"] == "committed"
    assert client.get(f"/v1/objectives/{oid}", headers=auth).json()["commitment"] == "committed"
    [event] = of_objective(app, oid)
    assert (event.type, version_of(event)) == ("okr.goals.ObjectiveCreated", 3)
    assert event.data["commitment"] == "committed"


def test_an_objective_set_without_a_commitment_is_aspirational(service, auth):
    client, app = service
    r = client.post("/v1/objectives", json=BODY, headers=auth)
    assert r.status_code == 201 and r.json()["commitment"] == "aspirational"
    [event] = of_objective(app, r.json()["objective_id"])
    assert event.data["commitment"] == "aspirational"


def test_revising_the_commitment_in_an_active_cycle_needs_a_reason_and_stays_in_the_history(
    service, auth
):
    client, app = service
    oid = client.post("/v1/objectives", json=BODY, headers=auth).json()["objective_id"]
    activated = client.post(f"/v1/cycles/{CYCLE}/state", json={"state": "active"}, headers=auth)
    assert activated.status_code == 200
    path = f"/v1/objectives/{oid}"
    unreasoned = client.patch(
        path, json={"expected_version": 1, "commitment": "committed"}, headers=auth
    )
    assert unreasoned.status_code == 422 and pointers(unreasoned) == ["#/reason"]
    r = client.patch(
        path,
        json={"expected_version": 1, "commitment": "committed", "reason": "the board relies on it"},
        headers=auth,
    )
    assert r.status_code == 200 and r.json()["commitment"] == "committed"
    last = client.get(f"{path}/history", headers=auth).json()[-1]
    assert (last["event"], last["reason"]) == ("Revised", "the board relies on it")
    assert last["changes"]["changes"] == {"commitment": "committed"}
    assert last["changes"]["previous"] == {"commitment": "aspirational"}
    assert client.get(f"{path}?version=1", headers=auth).json()["commitment"] == "aspirational"
    revised = of_objective(app, oid)[-1]
    assert (revised.type, version_of(revised)) == ("okr.goals.ObjectiveRevised", 3)
    assert revised.data["changes"] == {"commitment": "committed"}
    assert revised.data["previous"] == {"commitment": "aspirational"}


@pytest.mark.parametrize("value", ["stretch", "", 1])
def test_an_unknown_commitment_is_refused_naming_the_field_and_stores_nothing(service, auth, value):
    client, app = service
    before = app.store.recorder.max_notification_id() or 0
    r = client.post("/v1/objectives", json={**BODY, "commitment": value}, headers=auth)
    assert r.status_code == 422 and "#/commitment" in pointers(r)
    assert (app.store.recorder.max_notification_id() or 0) == before


@pytest.mark.parametrize("value", ["stretch", None])
def test_a_revision_to_an_unknown_or_null_commitment_is_refused_naming_the_field(
    service, auth, value
):
    client, _ = service
    oid = client.post("/v1/objectives", json=BODY, headers=auth).json()["objective_id"]
    r = client.patch(
        f"/v1/objectives/{oid}", json={"expected_version": 1, "commitment": value}, headers=auth
    )
    assert r.status_code == 422 and pointers(r) == ["#/commitment"]


def test_the_domain_refuses_an_unknown_commitment_whoever_calls_it():
    app = goal_features()
    seed(app)
    command = CreateObjective("Grow", "company", "org_unit", "acme", CYCLE, commitment="maybe")
    with pytest.raises(InvalidField) as err:
        app.objectives.create_objective(command, ADMIN)
    assert err.value.field == "#/commitment"


def test_a_rollover_copy_keeps_the_commitment_of_its_source():
    app = goal_features()
    seed(app)
    committed, stretch = (
        app.objectives.create_objective(
            CreateObjective(title, "company", "org_unit", "acme", CYCLE, commitment=commitment),
            ADMIN,
        ).objective
        for title, commitment in (("Grow", "committed"), ("Moonshot", "aspirational"))
    )
    report = app.rollover.rollover(RolloverCycle(CYCLE, NEXT_CYCLE), ADMIN)
    copies = {
        source: app.store.repository.get(copy_id) for source, copy_id in report.copies.items()
    }
    assert copies[str(committed.id)].commitment == "committed"
    assert copies[str(stretch.id)].commitment == "aspirational"
    created_copy = of_objective(app, report.copies[str(committed.id)])[0]
    assert created_copy.data["commitment"] == "committed"


def test_an_aspirational_request_keeps_the_idempotency_fingerprint_it_had_before_commitments():
    app = goal_features()
    seed(app)
    command = CreateObjective("Grow", "company", "org_unit", "acme", CYCLE, idempotency_key="k1")
    body = asdict(command)
    del body["idempotency_key"], body["commitment"]
    before = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
    first = app.objectives.create_objective(command, ADMIN).objective
    # a retry of a request stored before commitments existed still finds its objective
    assert first.request_fingerprint == before
    committed = replace(command, commitment="committed")
    with pytest.raises(IdempotencyConflict):
        app.objectives.create_objective(committed, ADMIN)


# ---- the consumers


def project(events: list[CloudEvent]) -> dict:
    """The objective read model after `events`, each read through the registry as the consumer
    does."""
    doc = None
    for version, event in enumerate(events, start=1):
        data = default_registry().read("goals", event)
        doc = apply_event(doc, event.schema_name, data, meta(version))
    return doc


def test_the_read_model_shows_the_commitment_and_follows_a_version_3_revision():
    app = goal_features()
    seed(app)
    objective = app.objectives.create_objective(
        CreateObjective("Grow", "company", "org_unit", "acme", CYCLE), ADMIN
    ).objective
    oid = str(objective.id)
    assert project(of_objective(app, oid))["commitment"] == "aspirational"
    app.objectives.revise_objective(
        ReviseObjective(Change(oid, objective.version), {"commitment": "committed"}), ADMIN
    )
    events = of_objective(app, oid)
    assert version_of(events[-1]) == 3
    doc = project(events)
    assert doc["commitment"] == "committed"
    assert ObjectiveProgressOut.model_validate(public_view(doc)).commitment == "committed"


def test_the_read_model_reads_version_1_and_2_objectives_as_aspirational():
    v1 = {
        "objective_id": OBJECTIVE_ID,
        "title": "UX",
        "description": "",
        "owner_id": "ceo",
        "level": "company",
        "cycle_id": "q1",
        "key_results": [],
    }
    for event in (
        old_event("ObjectiveCreated", 1, v1),
        old_event("ObjectiveCreated", 2, v2_created()),
    ):
        assert project([event])["commitment"] == "aspirational"
    revised_v2 = old_event(
        "ObjectiveRevised",
        2,
        {
            "objective_id": OBJECTIVE_ID,
            "changes": {"title": "Better UX"},
            "previous": {"title": "UX"},
            "reason": "clearer",
            "correction": False,
        },
    )
    doc = project([old_event("ObjectiveCreated", 2, v2_created()), revised_v2])
    assert (doc["title"], doc["commitment"]) == ("Better UX", "aspirational")


def test_the_check_in_service_keeps_the_commitment_it_learns():
    app = goal_features()
    seed(app)
    objective = app.objectives.create_objective(
        CreateObjective("Grow", "company", "org_unit", "acme", CYCLE, commitment="committed"),
        ADMIN,
    ).objective
    oid = str(objective.id)
    knowledge = MemoryKnowledge()
    learn_from(app.store, knowledge)
    assert knowledge.load("acme", "objective", oid)[1]["commitment"] == "committed"
    app.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), ADMIN)
    app.objectives.revise_objective(
        ReviseObjective(
            Change(oid, objective.version, reason="a stretch after all"),
            {"commitment": "aspirational"},
        ),
        ADMIN,
    )
    learn_from(app.store, knowledge)
    assert knowledge.load("acme", "objective", oid)[1]["commitment"] == "aspirational"


def test_the_check_in_service_reads_version_2_objectives_as_aspirational():
    knowledge = MemoryKnowledge()
    event = old_event("ObjectiveCreated", 2, v2_created())
    data = default_registry().read("goals", event)
    assert apply_goal_event(knowledge, "acme", event.schema_name, data, event.sequence)
    assert knowledge.load("acme", "objective", OBJECTIVE_ID)[1]["commitment"] == "aspirational"
