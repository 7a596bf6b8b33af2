"""The audit routes of a write service and the auditor read log, through HTTP: who may read
what, the read recorded, bad parameters refused, auditors reading history but writing nothing."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from okr_goals.http import create_http_app
from okr_shared.audit.bundle import verify_bundle
from okr_shared.audit.export import HttpSource, export_bundle
from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings
from tests.support.audit import audit_world
from tests.support.org import CYCLE, TENANT


@pytest.fixture
def world():
    world = audit_world()
    world.objective_id = world.objective("Grow revenue")
    world.chain()
    world.chainer.sign_due(force=True)
    return world


@pytest.fixture
def client(world):
    with TestClient(create_http_app(world.container, run_relay=False)) as client:
        yield client


def headers(*roles: str, actor: str = "ceo", tenant: str = TENANT) -> dict[str, str]:
    token = DevTokenIssuer(AuthSettings()).issue(tenant, actor, roles=roles)
    return {"Authorization": f"Bearer {token}"}


AUDITOR = headers("auditor", actor="auditor-1")
ADMIN = headers("admin")
MEMBER = headers(actor="E2")


def reads(client) -> list[dict]:
    r = client.get("/v1/audit/reads", headers=ADMIN)
    assert r.status_code == 200, r.text
    return r.json()


def test_anyone_of_the_tenant_reads_the_public_keys(client, world) -> None:
    r = client.get("/v1/audit/keys", headers=MEMBER)
    assert r.status_code == 200
    assert r.json()["keys"] == world.container.audit.public_keys()


@pytest.mark.parametrize("path", ["/v1/audit/events", "/v1/audit/checkpoints", "/v1/audit/verify"])
def test_members_may_not_read_the_chain_but_their_attempt_is_recorded(client, path) -> None:
    r = client.get(path, headers=MEMBER)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert [(x["actor_id"], x["route"]) for x in reads(client)][-1] == ("E2", path)


def test_an_auditor_reads_events_checkpoints_and_a_clean_verification(client, world) -> None:
    page = client.get("/v1/audit/events", params={"limit": 5}, headers=AUDITOR).json()
    assert page["previous_hash"] == "0" * 64 and len(page["events"]) == 5
    assert page["next_after"] == page["events"][-1]["position"]
    assert all(e["hash"] for e in page["events"])
    rest = client.get("/v1/audit/events", params={"after": page["next_after"]}, headers=AUDITOR)
    assert rest.json()["previous_hash"] == page["events"][-1]["hash"]
    checkpoints = client.get("/v1/audit/checkpoints", headers=AUDITOR).json()["checkpoints"]
    assert checkpoints[-1]["position"] == world.chainer.ledger.position()
    verification = client.get("/v1/audit/verify", headers=AUDITOR).json()
    assert verification["ok"] and verification["first"] is None and verification["unsigned"] == 0


def test_another_tenant_sees_none_of_the_chain(client) -> None:
    page = client.get("/v1/audit/events", headers=headers("auditor", tenant="globex")).json()
    assert page["events"] == [] and page["tenant_id"] == "globex"


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"from_position": 5, "to_position": 2}, "query:to_position"),
        ({"from_time": "2026-01-01T00:00:00"}, "query:from_time"),
        ({"limit": 0}, "query:limit"),
        ({"since": 3}, "query:since"),
    ],
)
def test_bad_parameters_are_refused_naming_them(client, params, pointer) -> None:
    r = client.get("/v1/audit/events", params=params, headers=AUDITOR)
    assert r.status_code == 422, r.text
    assert pointer in [e["pointer"] for e in r.json()["errors"]]


def test_history_and_time_travel_reads_are_recorded_with_their_objective_and_cycle(
    client, world
) -> None:
    history = client.get(f"/v1/objectives/{world.objective_id}/history", headers=AUDITOR)
    assert history.status_code == 200 and history.json()[0]["version"] == 1
    tree = client.get(
        f"/v1/cycles/{CYCLE}/tree", params={"as_of": "2030-01-01T00:00:00Z"}, headers=AUDITOR
    )
    assert tree.status_code == 200 and tree.json()["objective_count"] == 1
    recorded = reads(client)
    assert recorded[0]["route"] == "/v1/audit/reads", "the admin's own read comes first"
    by_route = {r["route"]: r for r in recorded}
    read = by_route["/v1/objectives/{objective_id}/history"]
    assert (read["actor_id"], read["roles"], read["objective_id"]) == (
        "auditor-1",
        ["auditor"],
        world.objective_id,
    )
    tree_read = by_route["/v1/cycles/{cycle_id}/tree"]
    assert tree_read["cycle_id"] == CYCLE
    assert tree_read["parameters"]["as_of"] == "2030-01-01T00:00:00Z"


def test_only_admins_read_the_read_log(client) -> None:
    r = client.get("/v1/audit/reads", headers=AUDITOR)
    assert r.status_code == 403
    assert r.json()["errors"][0]["detail"] == "the read log is read by admins only"


def test_an_auditor_cannot_write(client) -> None:
    body = {
        "title": "An auditor's goal",
        "level": "team",
        "owner_type": "org_unit",
        "owner_id": "web",
        "cycle_id": CYCLE,
    }
    before = client.get("/v1/audit/events", params={"limit": 1000}, headers=ADMIN).json()
    r = client.post("/v1/objectives", json=body, headers=AUDITOR)
    assert r.status_code == 403, r.text
    r = client.post("/v1/cycles", json={"cycle_id": "x"}, headers=AUDITOR)
    assert r.status_code in (403, 422)
    after = client.get("/v1/audit/events", params={"limit": 1000}, headers=ADMIN).json()
    assert after["events"] == before["events"]


def test_an_export_over_http_ends_at_a_checkpoint_signed_for_it(client, world, tmp_path) -> None:
    world.objective("Hire well")
    world.chain()
    assert world.chainer.ledger.unsigned()[TENANT] > 0
    token = AUDITOR["Authorization"].removeprefix("Bearer ")
    source = HttpSource("goals", "", token, client=client)
    bundle = export_bundle(TENANT, {"goals": source}, tmp_path / "bundle")
    report = verify_bundle(bundle)
    assert report.ok, report.failure
    assert report.unsigned == {"goals": 0}
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["services"][0]["events"] == world.chainer.ledger.position()


def test_signing_the_head_twice_gives_the_same_checkpoint(client) -> None:
    first = client.post("/v1/audit/checkpoints", headers=AUDITOR)
    assert first.status_code == 200, first.text
    assert client.post("/v1/audit/checkpoints", headers=AUDITOR).json() == first.json()
    refused = client.post("/v1/audit/checkpoints", headers=MEMBER)
    assert refused.status_code == 403


def test_nothing_chained_for_a_tenant_signs_nothing(client) -> None:
    other = headers("auditor", actor="auditor-9", tenant="tenant-without-events")
    assert client.post("/v1/audit/checkpoints", headers=other).status_code == 204


def _app(service: str):
    """The service's app over an in-memory store, nothing running beside it."""
    import importlib

    bootstrap = importlib.import_module(f"okr_{service}.bootstrap").bootstrap
    http = importlib.import_module(f"okr_{service}.http").create_http_app
    settings_module = importlib.import_module(f"okr_{service}.settings")
    settings_class = next(
        getattr(settings_module, name)
        for name in dir(settings_module)
        if name.endswith("Settings") and name.lower().startswith(service)
    )
    env = {f"{service.upper()}_PERSISTENCE_MODULE": "eventsourcing.popo"}
    container = bootstrap(settings_class(event_store=env))
    return http(container, run_relay=False) if service == "goals" else http(container, False)


@pytest.mark.parametrize("service", ["goals", "checkins", "reviews", "incentives"])
def test_every_write_service_serves_the_audit_routes(service) -> None:
    with TestClient(_app(service)) as client:
        keys = client.get("/v1/audit/keys", headers=MEMBER).json()
        assert keys["service"] == service and keys["keys"][0]["algorithm"] == "Ed25519"
        report = client.get("/v1/audit/verify", headers=AUDITOR).json()
        assert (report["service"], report["ok"]) == (service, True)
        assert client.get("/v1/audit/events", headers=MEMBER).status_code == 403
        assert [r["route"] for r in reads(client)][1:] == [
            "/v1/audit/events",
            "/v1/audit/verify",
            "/v1/audit/keys",
        ]
