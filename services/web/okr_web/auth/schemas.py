"""Request and response bodies of sign-in."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AuthConfigOut(BaseModel):
    """How the web app signs in: development sign-in, or OIDC code flow with PKCE."""

    mode: Literal["development", "oidc"]
    issuer: str | None
    client_id: str | None
    scopes: str
    person_claim: str = Field(description="The token claim naming the person in the directory")
    roles_claim: str = Field(description="The token claim (a dotted path) listing the roles")


class DevPersonOut(BaseModel):
    person_id: str
    name: str
    org_unit_id: str | None
    locale: str | None
    roles: list[str]


class DevPeopleOut(BaseModel):
    tenant_id: str
    people: list[DevPersonOut]


class DevTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str = Field(min_length=1, max_length=320)


class DevTokenOut(BaseModel):
    access_token: str
    expires_in: int
    person: DevPersonOut
