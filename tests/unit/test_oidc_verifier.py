"""Tokens from an OIDC issuer: discovery, JWKS, key rotation, claims at configured paths.

The issuer is a small HTTP server in the test serving a discovery document and a JWKS.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from okr_shared.identity import AuthenticationError, TokenVerifier, claim_at
from okr_shared.settings import AuthSettings, replace


class Issuer:
    """Signing keys, a JWKS that can be rotated, and a count of JWKS requests."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, Any]] = {}
        self.published: list[str] = []
        self.jwks_requests = 0
        self.url = ""

    def add_key(self, kid: str, alg: str = "RS256", publish: bool = True) -> None:
        if alg.startswith("RS"):
            private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            private = ec.generate_private_key(ec.SECP256R1())
        self.keys[kid] = (alg, private)
        if publish:
            self.published.append(kid)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            alg, private = self.keys[kid]
            codec = RSAAlgorithm if alg.startswith("RS") else ECAlgorithm
            jwk = codec.to_jwk(private.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": alg})
        return {"keys": keys}

    def token(self, kid: str, **overrides: Any) -> str:
        alg, private = self.keys[kid]
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": ["okr-platform", "account"],
            "sub": "user-1",
            "iat": now,
            "exp": now + 300,
            "org": {"tenant": "acme"},
            "realm_access": {"roles": ["admin", "offline_access"]},
            **overrides,
        }
        return jwt.encode(claims, private, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    state = Issuer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/realms/okr/.well-known/openid-configuration":
                body = {"issuer": state.url, "jwks_uri": f"{state.url}/certs"}
            elif self.path == "/realms/okr/certs":
                state.jwks_requests += 1
                body = state.jwks()
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/realms/okr"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.add_key("k1")
    yield state
    server.shutdown()
    server.server_close()


def settings_for(issuer: Issuer, **changes: Any) -> AuthSettings:
    base = AuthSettings(
        oidc_issuer=issuer.url,
        oidc_jwks_url="",
        audience="okr-platform",
        tenant_claim="org.tenant",
        roles_claim="realm_access.roles",
        oidc_algorithms=("RS256", "ES256"),
        jwks_min_refresh_seconds=0,
    )
    return replace(base, **changes)


def test_a_token_from_the_discovered_jwks_gives_tenant_and_roles(issuer: Issuer) -> None:
    principal = TokenVerifier(settings_for(issuer)).verify(issuer.token("k1"))
    assert (principal.tenant_id, principal.actor_id) == ("acme", "user-1")
    assert "admin" in principal.roles


def test_the_person_comes_from_the_configured_claim(issuer: Issuer) -> None:
    verifier = TokenVerifier(settings_for(issuer, person_claim="email"))
    principal = verifier.verify(issuer.token("k1", email="ana@acme.example"))
    assert (principal.tenant_id, principal.actor_id) == ("acme", "ana@acme.example")
    with pytest.raises(AuthenticationError, match="'email' claim"):
        verifier.verify(issuer.token("k1"))
    with pytest.raises(AuthenticationError, match="'email' claim"):
        verifier.verify(issuer.token("k1", email="  "))


def test_es256_tokens_are_accepted(issuer: Issuer) -> None:
    issuer.add_key("ec1", alg="ES256")
    assert TokenVerifier(settings_for(issuer)).verify(issuer.token("ec1")).tenant_id == "acme"


def test_wrong_audience_tampered_and_unknown_issuer_tokens_are_refused(issuer: Issuer) -> None:
    verifier = TokenVerifier(settings_for(issuer))
    with pytest.raises(AuthenticationError, match="(?i)audience"):
        verifier.verify(issuer.token("k1", aud="another-app"))
    header, payload, signature = issuer.token("k1").split(".")
    forged = jwt.utils.base64url_encode(
        json.dumps(
            {
                **jwt.decode(issuer.token("k1"), options={"verify_signature": False}),
                "org": {"tenant": "victim"},
            }
        ).encode()
    ).decode()
    with pytest.raises(AuthenticationError, match="(?i)signature"):
        verifier.verify(f"{header}.{forged}.{signature}")
    with pytest.raises(AuthenticationError, match="(?i)issuer"):
        verifier.verify(issuer.token("k1", iss="https://evil.example"))


def test_a_token_signed_with_the_shared_secret_algorithm_is_refused(issuer: Issuer) -> None:
    _, private = issuer.keys["k1"]
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    parts = [
        jwt.utils.base64url_encode(json.dumps(part).encode())
        for part in (
            {"alg": "HS256", "typ": "JWT", "kid": "k1"},
            {
                "iss": issuer.url,
                "aud": "okr-platform",
                "sub": "x",
                "iat": now,
                "exp": now + 60,
                "org": {"tenant": "acme"},
            },
        )
    ]
    signing_input = b".".join(parts)
    signature = jwt.utils.base64url_encode(hmac.new(public_pem, signing_input, "sha256").digest())
    with pytest.raises(AuthenticationError, match="(?i)alg"):
        TokenVerifier(settings_for(issuer)).verify((signing_input + b"." + signature).decode())


def test_a_rotated_key_is_fetched_when_a_token_names_it(issuer: Issuer) -> None:
    verifier = TokenVerifier(settings_for(issuer))
    verifier.verify(issuer.token("k1"))
    issuer.add_key("k2")
    assert verifier.verify(issuer.token("k2")).actor_id == "user-1"
    assert issuer.jwks_requests == 2


def test_unknown_keys_refetch_the_jwks_at_most_once_per_interval(issuer: Issuer) -> None:
    verifier = TokenVerifier(settings_for(issuer, jwks_min_refresh_seconds=60))
    verifier.verify(issuer.token("k1"))
    issuer.add_key("never-published", publish=False)
    for _ in range(5):
        with pytest.raises(AuthenticationError, match="signing key"):
            verifier.verify(issuer.token("never-published"))
    assert issuer.jwks_requests == 1


def test_a_discovery_document_naming_another_issuer_is_refused(issuer: Issuer) -> None:
    settings = settings_for(issuer, oidc_issuer=issuer.url.replace("/okr", "/okr-other"))
    with pytest.raises(AuthenticationError, match="discover|issuer"):
        TokenVerifier(settings).verify(issuer.token("k1"))


def test_claims_are_found_by_dotted_path_or_by_a_dotted_name() -> None:
    claims = {"realm_access": {"roles": ["a"]}, "https://x.example/tenant": "t"}
    assert claim_at(claims, "realm_access.roles") == ["a"]
    assert claim_at(claims, "https://x.example/tenant") == "t"
    assert claim_at(claims, "realm_access.missing") is None
