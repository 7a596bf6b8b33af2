"""Sign-in on the web server: the sign-in settings for the web app; in development only, the demo
people (from the goal service's directory) with their roles, and tokens the services accept;
production refuses to start without an OIDC issuer and has no development sign-in."""

from __future__ import annotations

import base64
import os

import pytest
from fastapi.testclient import TestClient

from okr_shared.identity import TokenVerifier
from okr_shared.settings import AuthSettings, UnsafeConfiguration
from okr_web.auth.domain import suggested_roles
from okr_web.bootstrap import bootstrap
from okr_web.settings import WebSettings
from tests.support.processes import free_port
from tests.support.web import asgi, demo_org, goals_with_demo_directory, web_app

CEO = "ceo@shopco.example"
HEADS = ("head.product@shopco.example", "head.sales@shopco.example", "cto@shopco.example")
OTHERS = ("lead.payments@shopco.example", "ana@shopco.example")


@pytest.fixture
def client(tmp_path):
    app = web_app({"goals": asgi(goals_with_demo_directory())}, dist_dir=tmp_path)
    with TestClient(app) as c:
        yield c


def test_development_config_names_the_mode(client) -> None:
    r = client.get("/auth/config")
    assert r.status_code == 200
    assert r.json() == {
        "mode": "development",
        "issuer": None,
        "client_id": None,
        "scopes": "openid profile email",
        "person_claim": "sub",
        "roles_claim": "roles",
    }


def test_an_issuer_turns_development_sign_in_off_even_in_development(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("OKR_OIDC_ISSUER", "http://127.0.0.1:18080/realms/okr")
    monkeypatch.setenv("OKR_WEB_OIDC_CLIENT_ID", "okr-web")
    monkeypatch.setenv("OKR_JWT_PERSON_CLAIM", "email")
    monkeypatch.setenv("OKR_JWT_ROLES_CLAIM", "realm_access.roles")
    app = web_app({"goals": asgi(goals_with_demo_directory())}, dist_dir=tmp_path)
    with TestClient(app) as c:
        config = c.get("/auth/config").json()
        assert (config["mode"], config["person_claim"], config["roles_claim"]) == (
            "oidc",
            "email",
            "realm_access.roles",
        )
        assert c.get("/auth/dev/people").status_code == 404


def test_the_demo_people_come_with_their_roles(client) -> None:
    r = client.get("/auth/dev/people")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tenant_id"] == "shopco"
    people = {p["person_id"]: p for p in body["people"]}
    assert set(people) == {p["person_id"] for p in demo_org().PEOPLE}
    assert people[CEO]["roles"] == ["admin", "leader"]
    for head in HEADS:
        assert people[head]["roles"] == ["leader"], head
    for other in OTHERS:
        assert people[other]["roles"] == [], other
    assert people[CEO] == {
        "person_id": CEO,
        "name": "Chen Wei",
        "org_unit_id": "shopco",
        "locale": "zh-CN",
        "roles": ["admin", "leader"],
    }


def test_a_development_token_speaks_for_the_person_with_their_roles(client) -> None:
    r = client.post("/auth/dev/token", json={"person_id": "cto@shopco.example"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["expires_in"] == 8 * 3600
    assert body["person"]["person_id"] == "cto@shopco.example"
    principal = TokenVerifier(AuthSettings()).verify(body["access_token"])
    assert (principal.tenant_id, principal.actor_id, principal.roles) == (
        "shopco",
        "cto@shopco.example",
        ("leader",),
    )


def test_roles_are_configurable_per_person(tmp_path) -> None:
    app = web_app(
        {"goals": asgi(goals_with_demo_directory())},
        dist_dir=tmp_path,
        dev_roles={"ana@shopco.example": ["auditor"], CEO: ["admin"]},
    )
    with TestClient(app) as c:
        people = {p["person_id"]: p["roles"] for p in c.get("/auth/dev/people").json()["people"]}
        token = c.post("/auth/dev/token", json={"person_id": "ana@shopco.example"}).json()
    assert people["ana@shopco.example"] == ["auditor"] and people[CEO] == ["admin"]
    assert TokenVerifier(AuthSettings()).verify(token["access_token"]).roles == ("auditor",)


def test_roles_come_from_the_environment_as_json(monkeypatch) -> None:
    monkeypatch.setenv("OKR_WEB_DEV_ROLES", '{"ana@shopco.example": ["leader"]}')
    assert WebSettings().dev_roles == {"ana@shopco.example": ["leader"]}


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"person_id": "nobody@shopco.example"}, "#/person_id"),
        ({"person_id": ""}, "#/person_id"),
        ({}, "#/person_id"),
        ({"person_id": CEO, "roles": ["admin"]}, "#/roles"),
    ],
)
def test_a_token_for_no_one_is_refused_naming_the_field(client, body, pointer) -> None:
    r = client.post("/auth/dev/token", json=body)
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == [pointer]
    assert "access_token" not in r.text


def test_the_directory_down_is_a_502_naming_the_goal_service(tmp_path) -> None:
    app = web_app(goals_url=f"http://127.0.0.1:{free_port()}", dist_dir=tmp_path)
    with TestClient(app) as c:
        r = c.get("/auth/dev/people")
    assert r.status_code == 502 and r.json()["service"] == "goals"


def test_heads_are_people_whose_manager_is_outside_their_unit() -> None:
    units = {
        "co": {"org_unit_id": "co", "kind": "company"},
        "d": {"org_unit_id": "d", "kind": "department", "parent_id": "co"},
        "t": {"org_unit_id": "t", "kind": "team", "parent_id": "d"},
    }
    people = [
        {"person_id": "boss", "org_unit_id": "co"},
        {"person_id": "assistant", "org_unit_id": "co", "manager_id": "boss"},
        {"person_id": "head", "org_unit_id": "d", "manager_id": "boss"},
        {"person_id": "deputy", "org_unit_id": "d", "manager_id": "head"},
        {"person_id": "lead", "org_unit_id": "t", "manager_id": "head"},
        {"person_id": "nowhere", "org_unit_id": "gone", "manager_id": "boss"},
    ]
    roles = {p.person_id: p.roles for p in suggested_roles(people, units)}
    assert roles == {
        "boss": ("admin", "leader"),
        "assistant": (),
        "head": ("leader",),
        "deputy": (),
        "lead": (),
        "nowhere": (),
    }


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_ENV", "production")
    monkeypatch.setenv("OKR_JWT_KEY", "k" * 48)
    monkeypatch.setenv("OKR_JWT_ISSUER", "https://id.acme.example")
    monkeypatch.setenv("OKR_AUDIT_SIGNING_KEY", base64.b64encode(os.urandom(32)).decode())
    monkeypatch.delenv("OKR_OIDC_ISSUER", raising=False)


def test_production_refuses_to_start_without_an_oidc_issuer(production, tmp_path) -> None:
    with pytest.raises(UnsafeConfiguration, match="OKR_OIDC_ISSUER"):
        bootstrap(WebSettings(dist_dir=tmp_path))


def test_production_has_no_development_sign_in(production, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("OKR_OIDC_ISSUER", "https://id.acme.example/realms/okr")
    monkeypatch.setenv("OKR_WEB_OIDC_CLIENT_ID", "okr-web")
    app = web_app({"goals": asgi(goals_with_demo_directory())}, dist_dir=tmp_path)
    with TestClient(app) as c:
        assert c.get("/auth/config").json() == {
            "mode": "oidc",
            "issuer": "https://id.acme.example/realms/okr",
            "client_id": "okr-web",
            "scopes": "openid profile email",
            "person_claim": "sub",
            "roles_claim": "roles",
        }
        assert c.get("/auth/dev/people").status_code == 404
        r = c.post("/auth/dev/token", json={"person_id": CEO})
        assert r.status_code == 404 and "access_token" not in r.text
