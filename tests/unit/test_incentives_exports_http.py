"""Payroll exports over HTTP: 201 then 200 with the same export, the record and both files for
admins and auditors; an unfinalised cycle is a 409 naming the cycle, and nothing is stored."""

import csv
import hashlib
import io

import pytest
from fastapi.testclient import TestClient

from okr_incentives.bootstrap import bootstrap
from okr_incentives.http import create_http_app
from okr_incentives.settings import IncentivesSettings
from okr_shared.clock import FixedClock
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.incentives import CYCLE, NOW, POLICY, SmallOrg


@pytest.fixture
def service():
    container = bootstrap(
        IncentivesSettings(event_store={"INCENTIVES_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=FixedClock(NOW),
        knowledge=MemoryKnowledge(),
    )
    org = SmallOrg(handlers=container.handlers)
    org.learn_directory()
    with TestClient(create_http_app(container, background=False)) as client:
        yield client, org


@pytest.fixture
def as_person(issuer):
    return lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}


def pointers(r):
    return [e["pointer"] for e in r.json()["errors"]]


def bind(client, admin):
    client.put("/v1/policies/bonus", json={**POLICY, "reason": "house rules"}, headers=admin)
    body = {"policy_id": "bonus", "policy_version": 1, "reason": "Q1 bonus"}
    assert client.post(f"/v1/cycles/{CYCLE}/policy", json=body, headers=admin).status_code == 200


def test_export_then_the_same_export_then_its_record_and_files(service, as_person):
    client, org = service
    admin, auditor = as_person("ceo", "admin"), as_person("audit", "auditor")
    org.finalise()
    bind(client, admin)
    r = client.post(f"/v1/cycles/{CYCLE}/exports", headers=admin)
    assert r.status_code == 201, r.text
    made = r.json()
    assert r.headers["Location"] == f"/v1/exports/{made['export_id']}"
    assert made["rows"] == 4 and made["totals"] == {"points": 390, "entries": 4}
    again = client.post(f"/v1/cycles/{CYCLE}/exports", headers=admin)
    assert again.status_code == 200 and again.json() == made
    assert client.get(f"/v1/exports/{made['export_id']}", headers=auditor).json() == made
    files = {f["format"]: f for f in made["files"]}
    r = client.get(files["csv"]["href"], headers=auditor)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert hashlib.sha256(r.content).hexdigest() == files["csv"]["sha256"]
    assert len(r.content) == files["csv"]["bytes"]
    rows = list(csv.DictReader(io.StringIO(r.text, newline="")))
    for row in rows:
        balance = client.get(f"/v1/people/{row['person_id']}/awards", headers=admin).json()
        assert int(row["points"]) == balance["balance"]["points"]
    r = client.get(files["json"]["href"], headers=admin)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert hashlib.sha256(r.content).hexdigest() == files["json"]["sha256"]
    assert r.json()["totals"]["points"] == 390
    org.correct("dev-latency", 0.8)
    newer = client.post(f"/v1/cycles/{CYCLE}/exports", headers=admin)
    assert newer.status_code == 201 and newer.json()["export_id"] != made["export_id"]


def test_an_export_of_an_unfinalised_cycle_is_a_409_naming_the_cycle(service, as_person):
    client, org = service
    admin = as_person("ceo", "admin")
    org.finalise("vps-growth")
    before = org.stored()
    r = client.post(f"/v1/cycles/{CYCLE}/exports", headers=admin)
    assert r.status_code == 409 and pointers(r) == ["path:cycle_id"], r.text
    assert r.headers["content-type"] == "application/problem+json"
    org.finalise(*[n for n in ("rep-deals", "gone-pipeline", "lead-uptime")])
    org.finalise("dev-checkout", "dev-latency", "new-onboarding", "web-docs")
    r = client.post(f"/v1/cycles/{CYCLE}/exports", headers=admin)
    assert r.status_code == 409 and pointers(r) == ["path:cycle_id"], r.text
    assert "no reward policy is bound" in r.json()["errors"][0]["detail"]
    assert org.stored() == before


def test_exports_refuse_whoever_may_not_see_them(service, as_person):
    client, org = service
    admin = as_person("ceo", "admin")
    org.finalise()
    bind(client, admin)
    before = org.stored()
    r = client.post(f"/v1/cycles/{CYCLE}/exports", headers=as_person("lead", "leader"))
    assert r.status_code == 403 and org.stored() == before
    assert client.post("/v1/cycles/2031-Q1/exports", headers=admin).status_code == 404
    assert org.stored() == before
    export_id = client.post(f"/v1/cycles/{CYCLE}/exports", headers=admin).json()["export_id"]
    for path in (f"/v1/exports/{export_id}", f"/v1/exports/{export_id}.csv"):
        assert client.get(path, headers=as_person("dev")).status_code == 403
    assert client.get(f"/v1/exports/{export_id}.json", headers=as_person("lead")).status_code == 403
    r = client.get("/v1/exports/0d1f6a52-4b55-4c0b-bb7e-5a4a9e0f0b01.csv", headers=admin)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/exports/nope", headers=admin).status_code == 404


def test_the_openapi_document_describes_every_export_route_and_status(service):
    client, _ = service
    paths = client.get("/openapi.json").json()["paths"]
    post = paths["/v1/cycles/{cycle_id}/exports"]["post"]["responses"]
    assert {"200", "201", "403", "404", "409", "503"} <= post.keys()
    assert "text/csv" in paths["/v1/exports/{export_id}.csv"]["get"]["responses"]["200"]["content"]
    for path in ("/v1/exports/{export_id}", "/v1/exports/{export_id}.json"):
        assert {"200", "403", "404"} <= paths[path]["get"]["responses"].keys()
