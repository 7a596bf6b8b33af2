"""The local Keycloak (deploy/local/keycloak.sh) with the `okr` realm of
deploy/local/keycloak/okr-realm.json: reaching it, its tokens and its admin API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

KEYCLOAK = os.environ.get("OKR_KEYCLOAK_URL", "http://127.0.0.1:18080").rstrip("/")
ISSUER = f"{KEYCLOAK}/realms/okr"


def require_keycloak() -> str:
    """Keycloak's URL, or a clear failure saying how to start it."""
    try:
        httpx.get(f"{ISSUER}/.well-known/openid-configuration", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        raise RuntimeError(
            f"Keycloak not running at {KEYCLOAK}: start it with "
            f"deploy/local/keycloak.sh start (or run make test): {exc}"
        ) from exc
    return KEYCLOAK


def token(client: str, secret: str, **form: str) -> str:
    data = {"client_id": client, "client_secret": secret, **form}
    response = httpx.post(f"{ISSUER}/protocol/openid-connect/token", data=data, timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def alice() -> str:
    """The realm's admin user `alice` (tenant acme, role admin), by password grant."""
    return token(
        "okr-cli",
        "okr-cli-secret",
        grant_type="password",
        username="alice",
        password="alice-password",
    )


@contextmanager
def admin_api() -> Iterator[httpx.Client]:
    """Keycloak's admin REST API for the `okr` realm, as the bootstrap admin."""
    response = httpx.post(
        f"{KEYCLOAK}/realms/master/protocol/openid-connect/token",
        timeout=10,
        data={
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": os.environ.get("OKR_KEYCLOAK_ADMIN", "admin"),
            "password": os.environ.get("OKR_KEYCLOAK_ADMIN_PASSWORD", "admin"),
        },
    )
    response.raise_for_status()
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    with httpx.Client(base_url=f"{KEYCLOAK}/admin/realms/okr", headers=headers, timeout=10) as c:
        yield c
