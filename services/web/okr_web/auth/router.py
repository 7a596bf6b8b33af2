"""`/auth/*`: how to sign in, and in development the demo people and their tokens. No token is
needed here."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request

from okr_shared.api_models import problems
from okr_shared.errors import InvalidField
from okr_shared.problems import Problem, problem_from
from okr_web.auth.handlers import DevSignIn, UnknownPerson
from okr_web.auth.schemas import AuthConfigOut, DevPeopleOut, DevPersonOut, DevTokenIn, DevTokenOut
from okr_web.unavailable import UNAVAILABLE

router = APIRouter(prefix="/auth", tags=["sign-in"])


@router.get("/config", response_model=AuthConfigOut)
async def config(request: Request) -> AuthConfigOut:
    """Development sign-in (OKR_ENV=development), or the OIDC issuer, client and scopes of the
    authorisation code flow with PKCE."""
    return request.app.state.container.auth_config


def _dev(request: Request) -> DevSignIn:
    dev: DevSignIn | None = request.app.state.container.dev_sign_in
    if dev is None:
        raise Problem(
            404,
            "Not found",
            "Development sign-in exists only with OKR_ENV=development.",
            kind="not-found",
        )
    return dev


@router.get("/dev/people", response_model=DevPeopleOut, responses={**problems(404), **UNAVAILABLE})
async def dev_people(request: Request) -> DevPeopleOut:
    """The demo tenant's people and the roles each one's development token carries
    (development mode only)."""
    dev = _dev(request)
    people = [DevPersonOut(**asdict(p)) for p in await dev.people()]
    return DevPeopleOut(tenant_id=dev.tenant_id, people=people)


@router.post(
    "/dev/token", response_model=DevTokenOut, responses={**problems(404, 422), **UNAVAILABLE}
)
async def dev_token(request: Request, body: DevTokenIn) -> DevTokenOut:
    """A development token for one of the demo people (development mode only)."""
    dev = _dev(request)
    try:
        token, person = await dev.token(body.person_id)
    except UnknownPerson as exc:
        raise problem_from(
            InvalidField("#/person_id", f"no active person {body.person_id!r} in {dev.tenant_id}")
        ) from exc
    return DevTokenOut(
        access_token=token, expires_in=dev.ttl_seconds, person=DevPersonOut(**asdict(person))
    )
