"""Who is asking: tenants and actors taken from verified JWT bearer tokens.

Tokens are verified either with a static key (`OKR_JWT_KEY`) or with the signing keys an OIDC
issuer publishes (`OKR_OIDC_ISSUER`): discovered from its `/.well-known/openid-configuration`,
cached, and fetched again when a token names a key not seen yet (at most every few seconds).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient

from okr_shared.settings import AuthSettings, UnsafeConfiguration, development_mode

TENANT_CLAIM = "tenant"
ROLES_CLAIM = "roles"


class AuthenticationError(Exception):
    """The request carries no valid bearer token."""


@dataclass(frozen=True)
class Principal:
    """An authenticated actor acting inside one tenant."""

    tenant_id: str
    actor_id: str
    roles: tuple[str, ...] = ()


def claim_at(claims: dict[str, Any], path: str) -> Any:
    """The claim at a dotted path (`realm_access.roles`), or None; a claim named with dots wins."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


class OidcKeys:
    """The signing keys of an OIDC issuer, from its JWKS (discovered unless configured)."""

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._client: PyJWKClient | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()

    def jwks_url(self) -> str:
        """The JWKS address: configured, or the `jwks_uri` of the issuer's discovery document."""
        if self._settings.oidc_jwks_url:
            return self._settings.oidc_jwks_url
        url = f"{self._settings.oidc_issuer}/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=self._settings.http_timeout_seconds) as response:
            document = json.load(response)
        if document.get("issuer", "").rstrip("/") != self._settings.oidc_issuer:
            raise AuthenticationError(
                f"the discovery document at {url} names another issuer: {document.get('issuer')!r}"
            )
        if not document.get("jwks_uri"):
            raise AuthenticationError(f"the discovery document at {url} has no jwks_uri")
        return str(document["jwks_uri"])

    def _jwks(self) -> PyJWKClient:
        with self._lock:
            if self._client is None:
                pause = self._settings.jwks_min_refresh_seconds
                if self._failed_at is not None and time.monotonic() - self._failed_at < pause:
                    raise AuthenticationError("the issuer's discovery document is unavailable")
                try:
                    url = self.jwks_url()
                except (OSError, ValueError) as exc:
                    self._failed_at = time.monotonic()
                    raise AuthenticationError(f"cannot discover the issuer's keys: {exc}") from exc
                self._client = PyJWKClient(
                    url,
                    cache_jwk_set=True,
                    lifespan=self._settings.jwks_cache_seconds,
                    timeout=self._settings.http_timeout_seconds,
                    cooldown_duration=self._settings.jwks_min_refresh_seconds,
                )
            return self._client

    def key_for(self, token: str) -> PyJWK:
        """The key that signed the token, by its `kid`; refetches the JWKS for an unknown one."""
        try:
            return self._jwks().get_signing_key_from_jwt(token)
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"no signing key for the token: {exc}") from exc


class TokenVerifier:
    """Verifies bearer tokens: signature, expiry, issuer, audience, tenant and person (`sub`, or
    the claim `person_claim` names).

    Refuses to be built with settings that would let anyone forge tokens, outside development.
    """

    def __init__(self, settings: AuthSettings) -> None:
        settings.refuse_unsafe()
        self._settings = settings
        self._oidc = OidcKeys(settings) if settings.uses_oidc else None

    @property
    def settings(self) -> AuthSettings:
        return self._settings

    def verify(self, token: str) -> Principal:
        """Returns the principal a token speaks for, or raises AuthenticationError."""
        settings = self._settings
        key: Any = settings.verification_key
        algorithms = [settings.algorithm]
        if self._oidc is not None:
            key, algorithms = self._oidc.key_for(token), list(settings.oidc_algorithms)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=settings.audience,
                issuer=settings.expected_issuer,
                leeway=settings.leeway_seconds,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"invalid bearer token: {exc}") from exc
        tenant = claim_at(claims, settings.tenant_claim)
        person = claim_at(claims, settings.person_claim)
        if not isinstance(tenant, str) or not tenant.strip():
            raise AuthenticationError(f"token has no '{settings.tenant_claim}' claim")
        if not isinstance(person, str) or not person.strip():
            raise AuthenticationError(f"token has no '{settings.person_claim}' claim")
        roles = claim_at(claims, settings.roles_claim) or []
        if isinstance(roles, str):
            roles = roles.split()
        if not isinstance(roles, list):
            raise AuthenticationError(f"the '{settings.roles_claim}' claim is not a list")
        return Principal(tenant_id=tenant, actor_id=person, roles=tuple(str(r) for r in roles))


class DevTokenIssuer:
    """Issues signed tokens for local development and tests; refuses to run anywhere else."""

    def __init__(self, settings: AuthSettings) -> None:
        if not development_mode():
            raise UnsafeConfiguration(
                "the development token issuer runs only with OKR_ENV=development"
            )
        if not settings.algorithm.startswith("HS"):
            raise ValueError("the development issuer signs with a shared secret (HS256) only")
        self._settings = settings

    def issue(
        self, tenant_id: str, actor_id: str, roles: tuple[str, ...] = (), ttl_seconds: int = 3600
    ) -> str:
        """Returns a signed token for the actor in the tenant."""
        now = int(time.time())
        claims = {
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "sub": actor_id,
            TENANT_CLAIM: tenant_id,
            ROLES_CLAIM: list(roles),
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(
            claims, self._settings.verification_key, algorithm=self._settings.algorithm
        )
