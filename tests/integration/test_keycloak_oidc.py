"""Tokens from a real OIDC provider: Keycloak (deploy/local/keycloak.sh) with the `okr` realm
from deploy/local/keycloak/okr-realm.json."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from okr_shared.identity import AuthenticationError, TokenVerifier
from okr_shared.settings import AuthSettings, replace
from tests.support.keycloak import ISSUER, alice, require_keycloak, token
from tests.support.keycloak import admin_api as keycloak_admin


@pytest.fixture(scope="module")
def keycloak() -> str:
    return require_keycloak()


def verifier(**changes: Any) -> TokenVerifier:
    settings = AuthSettings(
        oidc_issuer=ISSUER,
        oidc_jwks_url="",
        audience="okr-platform",
        tenant_claim="tenant",
        roles_claim="realm_access.roles",
        oidc_algorithms=("RS256", "ES256"),
        jwks_min_refresh_seconds=0,
    )
    return TokenVerifier(replace(settings, **changes))


@pytest.fixture
def admin_api(keycloak: str) -> Iterator[httpx.Client]:
    with keycloak_admin() as client:
        yield client


def test_a_password_grant_token_gives_the_tenant_and_realm_roles(keycloak: str) -> None:
    principal = verifier().verify(alice())
    assert principal.tenant_id == "acme"
    assert "admin" in principal.roles
    assert principal.actor_id == jwt.decode(alice(), options={"verify_signature": False})["sub"]


def test_a_client_credentials_token_is_accepted(keycloak: str) -> None:
    principal = verifier().verify(
        token("okr-cli", "okr-cli-secret", grant_type="client_credentials")
    )
    assert principal.tenant_id == "acme" and "integration" in principal.roles


def test_a_tampered_token_is_refused(keycloak: str) -> None:
    header, payload, signature = alice().split(".")
    claims = jwt.decode(alice(), options={"verify_signature": False})
    forged = jwt.utils.base64url_encode(json.dumps({**claims, "tenant": "victim"}).encode())
    with pytest.raises(AuthenticationError, match="(?i)signature"):
        verifier().verify(f"{header}.{forged.decode()}.{signature}")


def test_a_token_for_another_audience_is_refused(keycloak: str) -> None:
    other = token("other-app", "other-app-secret", grant_type="client_credentials")
    with pytest.raises(AuthenticationError, match="(?i)audience"):
        verifier().verify(other)
    with pytest.raises(AuthenticationError, match="(?i)audience"):
        verifier(audience="another-api").verify(alice())


def test_a_key_added_in_keycloak_is_picked_up(keycloak: str, admin_api: httpx.Client) -> None:
    checking = verifier()
    before = alice()
    checking.verify(before)
    realm_id = admin_api.get("").json()["id"]
    created = admin_api.post(
        "/components",
        json={
            "name": f"rotated-{uuid.uuid4().hex[:6]}",
            "providerId": "rsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            "config": {"priority": ["500"], "algorithm": ["RS256"], "keySize": ["2048"]},
        },
    )
    assert created.status_code == 201, created.text
    component = created.headers["location"].rsplit("/", 1)[1]
    try:
        after = alice()
        assert jwt.get_unverified_header(after)["kid"] != jwt.get_unverified_header(before)["kid"]
        assert checking.verify(after).tenant_id == "acme"
        assert checking.verify(before).tenant_id == "acme"
    finally:
        admin_api.delete(f"/components/{component}").raise_for_status()
