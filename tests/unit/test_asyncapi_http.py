"""`GET /asyncapi.json` on every service and the web server: no token needed, the service's own
document, the contracts it references served beside it, documented in OpenAPI."""

import pytest
from fastapi.testclient import TestClient

from okr_shared.contracts import default_registry
from tests.support.asyncapi import SERVICE_APPS
from tests.support.web import web_app

TITLES = {
    "goals": "OKR goal service events",
    "checkins": "OKR check-in service events",
    "reviews": "OKR review service events",
    "incentives": "OKR incentive service events",
    "projections": "OKR projections service events",
}


@pytest.fixture(params=sorted(SERVICE_APPS))
def service(request):
    """The service's app; its lifespan (consumers, relay, indexes) is not needed here."""
    return request.param, TestClient(SERVICE_APPS[request.param]())


def test_every_service_serves_its_own_document_without_a_token(service):
    name, client = service
    answer = client.get("/asyncapi.json")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    doc = answer.json()
    assert doc["asyncapi"] == "3.0.0" and doc["info"]["title"] == TITLES[name]
    assert all(op["tags"] == [{"name": f"service:{name}"}] for op in doc["operations"].values())


def test_the_contracts_a_document_references_are_served_beside_it(service):
    _, client = service
    doc = client.get("/asyncapi.json").json()
    refs = {
        m["payload"]["schema"]["$ref"]
        for m in doc["components"]["messages"].values()
        if "schemaFormat" in m["payload"]
    }
    assert refs
    registry = default_registry()
    for ref in sorted(refs):
        context, file_name = ref.split("/")[-2:]
        name, version = file_name.split(".")[:2]
        answer = client.get(f"/{ref}")
        assert answer.status_code == 200
        assert answer.json() == registry.schema(context, name, int(version[1:]))


def test_an_unknown_contract_is_a_404_problem_naming_the_file(service):
    _, client = service
    answer = client.get("/asyncapi/schemas/goals/Nonsense.v1.json")
    assert answer.status_code == 404
    problem = answer.json()
    assert problem["title"] == "Contract not found"
    assert problem["errors"] == [{"pointer": "path:file_name", "detail": "no such contract"}]


def test_the_document_route_is_in_openapi_open_and_with_its_model(service):
    _, client = service
    openapi = client.get("/openapi.json").json()
    operation = openapi["paths"]["/asyncapi.json"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/AsyncApiDocument"}
    assert "401" not in operation["responses"]
    contract = openapi["paths"]["/asyncapi/schemas/{context}/{file_name}"]["get"]
    assert "404" in contract["responses"] and "401" not in contract["responses"]


def test_the_web_server_serves_the_whole_platform_document(tmp_path):
    with TestClient(web_app(dist_dir=tmp_path)) as client:
        doc = client.get("/asyncapi.json").json()
        assert doc["info"]["title"] == "OKR platform events"
        assert {"goals.send.goals", "projections.receive.incentives"} <= set(doc["operations"])
        schema = client.get("/asyncapi/schemas/goals/ObjectiveCreated.v3.json").json()
        assert schema["$id"] == "urn:okr:schema:goals:ObjectiveCreated:3"
