"""Who is asking: tenants and actors taken from verified JWT bearer tokens."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from okr_shared.settings import AuthSettings

TENANT_CLAIM = "tenant"


class AuthenticationError(Exception):
    """The request carries no valid bearer token."""


@dataclass(frozen=True)
class Principal:
    """An authenticated actor acting inside one tenant."""

    tenant_id: str
    actor_id: str
    roles: tuple[str, ...] = ()


class TokenVerifier:
    """Verifies bearer tokens: signature, expiry, issuer, audience, tenant and subject."""

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings

    def verify(self, token: str) -> Principal:
        """Returns the principal a token speaks for, or raises AuthenticationError."""
        try:
            claims = jwt.decode(
                token,
                self._settings.verification_key,
                algorithms=[self._settings.algorithm],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                leeway=self._settings.leeway_seconds,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"invalid bearer token: {exc}") from exc
        tenant = claims.get(TENANT_CLAIM)
        subject = claims.get("sub")
        if not isinstance(tenant, str) or not tenant.strip():
            raise AuthenticationError(f"token has no '{TENANT_CLAIM}' claim")
        if not isinstance(subject, str) or not subject.strip():
            raise AuthenticationError("token has no subject")
        roles = claims.get("roles") or []
        return Principal(tenant_id=tenant, actor_id=subject, roles=tuple(str(r) for r in roles))


class DevTokenIssuer:
    """Issues signed tokens for local development and tests; never deploy it."""

    def __init__(self, settings: AuthSettings) -> None:
        if not settings.algorithm.startswith("HS"):
            raise ValueError("the development issuer signs with a shared secret (HS256) only")
        self._settings = settings

    def issue(self, tenant_id: str, actor_id: str, roles: tuple[str, ...] = (), ttl_seconds: int = 3600) -> str:
        """Returns a signed token for the actor in the tenant."""
        now = int(time.time())
        claims = {
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "sub": actor_id,
            TENANT_CLAIM: tenant_id,
            "roles": list(roles),
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(claims, self._settings.verification_key, algorithm=self._settings.algorithm)
