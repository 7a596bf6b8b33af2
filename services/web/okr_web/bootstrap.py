"""Composition root of the web server: the clients of the services, sign-in and the build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import UnsafeConfiguration, development_mode
from okr_web.assets.handlers import Build
from okr_web.auth.handlers import DevSignIn
from okr_web.auth.schemas import AuthConfigOut
from okr_web.proxy.handlers import Forwarder, clients
from okr_web.settings import SERVICES, WebSettings


@dataclass
class WebContainer:
    settings: WebSettings
    forwarder: Forwarder
    build: Build
    auth_config: AuthConfigOut
    dev_sign_in: DevSignIn | None

    async def close(self) -> None:
        await self.forwarder.close()


def auth_config(settings: WebSettings) -> AuthConfigOut:
    """What the web app needs to sign in: OIDC when an issuer is configured (the services then
    verify the provider's tokens only), else development sign-in; refuses production without an
    issuer."""
    issuer = settings.auth.oidc_issuer or None
    if not development_mode() and issuer is None:
        raise UnsafeConfiguration(
            "refusing to start: the web app signs in with OpenID Connect outside development;"
            " set OKR_OIDC_ISSUER (and OKR_WEB_OIDC_CLIENT_ID)"
            " (OKR_ENV=development allows development sign-in locally)"
        )
    return AuthConfigOut(
        mode="oidc" if issuer else "development",
        issuer=issuer,
        client_id=settings.oidc_client_id or None,
        scopes=settings.oidc_scopes,
        person_claim=settings.auth.person_claim,
        roles_claim=settings.auth.roles_claim,
    )


def bootstrap(
    settings: WebSettings | None = None,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> WebContainer:
    """Builds the web server's dependencies once; the HTTP app, the CLI and the tests call it
    (tests may replace the network to some services with `transports`)."""
    settings = settings or WebSettings()
    config = auth_config(settings)
    forwarder = Forwarder(
        clients(
            {s: settings.service_url(s) for s in SERVICES},
            settings.connect_timeout_seconds,
            settings.read_timeout_seconds,
            transports,
        )
    )
    dev = None
    if config.mode == "development":
        dev = DevSignIn(
            DevTokenIssuer(settings.auth),
            forwarder.client("goals"),
            settings.dev_tenant,
            settings.dev_roles,
            settings.dev_token_ttl_seconds,
        )
    return WebContainer(settings, forwarder, Build(settings.dist_dir), config, dev)
