"""`okr token`: a development bearer token, refused outside development mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from okr_cli.output import JSON_OPTION, REFUSED, CliError, emit_json
from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings, UnsafeConfiguration


def token(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="The tenant the token is for.")],
    person: Annotated[str, typer.Option("--person", "-p", help="The person (token subject).")],
    role: Annotated[
        list[str] | None, typer.Option("--role", "-r", help="A role; repeat for several.")
    ] = None,
    ttl: Annotated[int, typer.Option("--ttl", min=1, help="Seconds until it expires.")] = 3600,
    as_json: bool = JSON_OPTION,
) -> None:
    """A signed development token (HS256, the development key); only with OKR_ENV=development."""
    for name, value in (("--tenant", tenant), ("--person", person)):
        if not value.strip():
            raise typer.BadParameter("must not be blank", param_hint=name)
    roles = tuple(role or ())
    try:
        issuer = DevTokenIssuer(AuthSettings())
    except UnsafeConfiguration as exc:
        raise CliError(f"refusing to issue a token: {exc}", REFUSED) from exc
    except ValueError as exc:
        raise CliError(f"cannot issue a development token: {exc}") from exc
    signed = issuer.issue(tenant, person, roles, ttl_seconds=ttl)
    if as_json:
        expires = datetime.now(UTC) + timedelta(seconds=ttl)
        emit_json(
            {
                "token": signed,
                "tenant": tenant,
                "person": person,
                "roles": list(roles),
                "expires_at": expires.replace(microsecond=0),
            }
        )
    else:
        typer.echo(signed)
