"""The generated AsyncAPI documents, as written and as served, pass the AsyncAPI parser
(`tools/asyncapi-check`, @asyncapi/parser with JSON Schema 2020-12 payloads) and list every
registered contract; a broken document fails it, so the check can fail."""

import copy
import json

import pytest
from fastapi.testclient import TestClient

from okr_shared.contracts import asyncapi, default_registry
from okr_shared.contracts.asyncapi import SERVICES
from okr_shared.settings import KafkaSettings
from tests.support.asyncapi import SERVICE_APPS, validate
from tests.support.web import web_app

SASL = KafkaSettings(
    bootstrap_servers="broker-1:9094,broker-2:9094",
    security_protocol="SASL_SSL",
    sasl_mechanism="SCRAM-SHA-256",
    sasl_username="okr",
    sasl_password="not-shown",
    topic_namespace="staging",
)


def registered() -> set[str]:
    return {f"urn:okr:schema:{c}:{n}:{v}" for c, n, v in default_registry().contracts()}


@pytest.mark.parametrize("kafka", [KafkaSettings(), SASL], ids=["plaintext", "sasl-ssl"])
def test_every_generated_document_validates_and_lists_every_contract(tmp_path, kafka):
    documents = asyncapi.write(tmp_path, kafka)
    code, summaries, diagnostics = validate(*documents)
    assert code == 0, diagnostics
    by_file = {s["file"]: {m["payload"] for m in s["messages"]} for s in summaries}
    assert set(by_file) == {str(d) for d in documents}
    assert registered() <= by_file[str(tmp_path / "asyncapi.json")]
    for service in SERVICES:
        payloads = by_file[str(tmp_path / f"asyncapi.{service.name}.json")]
        for context in (*service.publishes, *service.consumes):
            ours = {urn for urn in registered() if urn.startswith(f"urn:okr:schema:{context}:")}
            assert ours <= payloads, (service.name, context)


def test_the_served_documents_and_contracts_validate(tmp_path):
    apps = {name: build() for name, build in SERVICE_APPS.items()}
    apps["web"] = web_app(dist_dir=tmp_path / "no-build")
    files = []
    for name, app in apps.items():
        client = TestClient(app)
        folder = tmp_path / name
        doc = client.get("/asyncapi.json").json()
        for message in doc["components"]["messages"].values():
            if "schemaFormat" in message["payload"]:
                ref = message["payload"]["schema"]["$ref"]
                (folder / ref).parent.mkdir(parents=True, exist_ok=True)
                (folder / ref).write_text(client.get(f"/{ref}").text)
        files.append(folder / "asyncapi.json")
        files[-1].write_text(json.dumps(doc))
    code, summaries, diagnostics = validate(*files)
    assert code == 0, diagnostics
    assert registered() <= {m["payload"] for m in summaries[-1]["messages"]}


def _no_info(doc):
    del doc["info"]


def _unknown_channel(doc):
    doc["operations"]["send.goals"]["channel"] = {"$ref": "#/channels/nowhere"}


def _missing_contract(doc):
    message = doc["components"]["messages"]["goals.CyclePlanned.v1"]
    message["payload"]["schema"] = {"$ref": "asyncapi/schemas/goals/CyclePlanned.v9.json"}


def _bad_json_schema(doc):
    message = doc["components"]["messages"]["goals.CyclePlanned.v1"]
    message["payload"]["schema"] = {"type": "objekt"}


def _bad_header_schema(doc):
    doc["components"]["schemas"]["CloudEventHeaders"]["required"] = "ce_id"


@pytest.mark.parametrize(
    "breaking, diagnostic",
    [
        (_no_info, 'required property "info"'),
        (_unknown_channel, "'#/channels/nowhere' does not exist"),
        (_missing_contract, "CyclePlanned.v9.json"),
        (_bad_json_schema, "json-schema-2020-12"),
        (_bad_header_schema, "required"),
    ],
)
def test_a_broken_document_fails_the_parser_with_its_diagnostic(tmp_path, breaking, diagnostic):
    good = asyncapi.write(tmp_path)[1]
    doc = json.loads(good.read_text())
    broken = copy.deepcopy(doc)
    breaking(broken)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    code, _summaries, diagnostics = validate(path)
    assert code == 1 and diagnostic in diagnostics, diagnostics
    assert " error " in diagnostics
