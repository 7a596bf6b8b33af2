"""Signing in to the web app with OpenID Connect (authorisation code flow with PKCE) against a
real identity provider: the local Keycloak's `okr` realm and its public client `okr-web`.

The services verify the provider's tokens only (JWKS, issuer, audience `okr-platform`), name the
person by the `email` claim and read roles from `realm_access.roles`; a small organisation of
the realm's tenant `acme` is loaded with the realm admin's token. The browser suite
`e2e/oidc.test.mjs` then signs in as the realm's user `ana` on Keycloak's own login page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.e2e.conftest import Stack, running_stack
from tests.support.browser import (
    CHROMIUM,
    FRONTEND,
    NPM_SECONDS,
    SCREENSHOTS,
    built_front_end,
    check_browser_tools,
    npm,
)
from tests.support.infra import Infra
from tests.support.keycloak import ISSUER, admin_api, alice, require_keycloak
from tests.support.processes import Process, free_port, wait_for, wait_healthy

pytestmark = pytest.mark.e2e

CLIENT = "okr-web"
ANA = "ana@acme.example"
ALICE = "alice@acme.example"
OBJECTIVE = "Publish the research roadmap"
AUTH_ENV = {
    "OKR_OIDC_ISSUER": ISSUER,
    "OKR_JWT_AUDIENCE": "okr-platform",
    "OKR_JWT_PERSON_CLAIM": "email",
    "OKR_JWT_ROLES_CLAIM": "realm_access.roles",
}


@dataclass
class OidcWeb:
    url: str
    stack: Stack
    process: Process
    key_result_id: str


def _quarter(today: date) -> tuple[date, date]:
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    following = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _ok(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def _load(stack: Stack) -> str:
    """The tenant's directory, an active cycle of this quarter and Ana's objective; answers the
    key result's id once the projections and the check-in service know it."""
    headers = {"Authorization": f"Bearer {alice()}"}
    goals = httpx.Client(base_url=stack.goals_url, headers=headers, timeout=10)
    directory = {
        "org_units": [
            {"org_unit_id": "acme", "name": "Acme", "kind": "company"},
            {"org_unit_id": "research", "name": "Research", "kind": "team", "parent_id": "acme"},
        ],
        "people": [
            {"person_id": ALICE, "name": "Alice Admin", "email": ALICE, "org_unit_id": "acme"},
            {
                "person_id": ANA,
                "name": "Ana Analyst",
                "email": ANA,
                "org_unit_id": "research",
                "manager_id": ALICE,
            },
        ],
    }
    _ok(goals.post("/v1/directory/import", json=directory))
    starts, ends = _quarter(datetime.now(UTC).date())
    cycle = {
        "cycle_id": "current",
        "name": "This quarter",
        "cadence": "quarterly",
        "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(),
    }
    _ok(goals.post("/v1/cycles", json=cycle))
    _ok(goals.post("/v1/cycles/current/state", json={"state": "active", "reason": "kick-off"}))
    objective = _ok(
        goals.post(
            "/v1/objectives",
            json={
                "title": OBJECTIVE,
                "level": "individual",
                "owner_type": "person",
                "owner_id": ANA,
                "cycle_id": "current",
                "visibility": "org_unit",
                "key_results": [
                    {"title": "Interviews held", "kind": "increase_to", "start": 0, "target": 12}
                ],
            },
        )
    )
    key_result = objective["key_results"][0]["key_result_id"]
    checkins = httpx.Client(base_url=stack.checkins_url, headers=headers, timeout=10)
    first = {"key_result_id": key_result, "value": 2, "confidence": 7}
    answers: list[httpx.Response] = []

    def checked_in() -> bool:
        answers.append(checkins.post("/v1/check-ins", json=first))
        return answers[-1].status_code == 201

    try:
        wait_for(checked_in, seconds=60, interval=0.2)
    except AssertionError as exc:
        last = answers[-1]
        raise AssertionError(f"no check-in accepted: {last.status_code} {last.text}") from exc
    projections = httpx.Client(base_url=stack.projections_url, headers=headers, timeout=10)
    wait_for(
        lambda: projections.get(f"/v1/people/{ANA}").status_code == 200
        and projections.get("/v1/cycles/current/tree").json().get("roots"),
        seconds=60,
        interval=0.2,
    )
    return key_result


@contextmanager
def _client_redirects_to(url: str) -> Iterator[None]:
    """Lets the realm's `okr-web` client return to this web server (its port is chosen per run)."""
    with admin_api() as keycloak:
        client = keycloak.get("/clients", params={"clientId": CLIENT}).json()[0]
        attributes = client.get("attributes", {})
        logout = attributes.get("post.logout.redirect.uris", "")
        changed = {
            **client,
            "redirectUris": [*client["redirectUris"], f"{url}/signin/callback"],
            "attributes": {**attributes, "post.logout.redirect.uris": f"{logout}##{url}/signin"},
        }
        keycloak.put(f"/clients/{client['id']}", json=changed).raise_for_status()
    try:
        yield
    finally:
        with admin_api() as keycloak:
            keycloak.put(f"/clients/{client['id']}", json=client).raise_for_status()


@pytest.fixture(scope="module")
def oidc_web(infra: Infra) -> Iterator[OidcWeb]:
    """The goal, check-in and projection services verifying Keycloak's tokens, the small
    organisation loaded, the front end built and the web server signing in with OIDC."""
    require_keycloak()
    with running_stack(infra, AUTH_ENV) as stack:
        key_result = _load(stack)
        built_front_end()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = Process(
            "web-oidc",
            ["okr_web.cli", "serve", "--port", str(port)],
            {
                **AUTH_ENV,
                "OKR_WEB_OIDC_CLIENT_ID": CLIENT,
                "OKR_WEB_GOALS_URL": stack.goals_url,
                "OKR_WEB_CHECKINS_URL": stack.checkins_url,
                "OKR_WEB_PROJECTIONS_URL": stack.projections_url,
                "OKR_WEB_READY_SERVICES": "goals,checkins,projections",
                "OKR_WEB_DIST": str(FRONTEND / "dist"),
            },
        )
        process.start()
        try:
            wait_healthy(f"{url}/health/ready", process)
            with _client_redirects_to(url):
                yield OidcWeb(url, stack, process, key_result)
        finally:
            process.stop()


def test_the_web_app_offers_only_the_providers_sign_in(oidc_web: OidcWeb) -> None:
    config = httpx.get(f"{oidc_web.url}/auth/config", timeout=10).json()
    assert config == {
        "mode": "oidc",
        "issuer": ISSUER,
        "client_id": CLIENT,
        "scopes": "openid profile email",
        "person_claim": "email",
        "roles_claim": "realm_access.roles",
    }
    assert httpx.get(f"{oidc_web.url}/auth/dev/people", timeout=10).status_code == 404


def test_the_provider_refuses_a_code_request_without_pkce(oidc_web: OidcWeb) -> None:
    query = {
        "client_id": CLIENT,
        "response_type": "code",
        "scope": "openid",
        "state": "s1",
        "redirect_uri": f"{oidc_web.url}/signin/callback",
    }
    answer = httpx.get(f"{ISSUER}/protocol/openid-connect/auth?{urlencode(query)}", timeout=10)
    assert answer.status_code in (302, 303), answer.text[:500]
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{oidc_web.url}/signin/callback"
    params = parse_qs(back.query)
    assert params["error"] == ["invalid_request"]
    assert "code_challenge" in params["error_description"][0]


@pytest.mark.timeout(NPM_SECONDS)
def test_a_person_signs_in_at_the_provider_and_uses_the_app(oidc_web: OidcWeb) -> None:
    check_browser_tools()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    run = npm(
        "exec",
        "--",
        "node",
        "--test",
        "e2e/oidc.test.mjs",
        env={
            "OKR_WEB_URL": oidc_web.url,
            "OKR_SCREENSHOTS": str(SCREENSHOTS),
            "CHROMIUM": CHROMIUM,
            "OKR_OIDC_ISSUER": ISSUER,
            "OKR_OIDC_USER": "ana",
            "OKR_OIDC_PASSWORD": "ana-password",
            "OKR_OIDC_NAME": "Ana Analyst",
            "OKR_OIDC_OBJECTIVE": OBJECTIVE,
            "OKR_OIDC_KEY_RESULT": oidc_web.key_result_id,
        },
    )
    assert run.returncode == 0, (
        f"e2e/oidc.test.mjs failed ({run.returncode}); web server log: "
        f"{oidc_web.process.log_path}\n--- stdout ---\n{run.stdout[-12000:]}\n"
        f"--- stderr ---\n{run.stderr[-6000:]}"
    )
