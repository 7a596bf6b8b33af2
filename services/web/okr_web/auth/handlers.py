"""Development sign-in: the demo tenant's directory read from the goal service, tokens minted
here with the development key. Built only with OKR_ENV=development."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from okr_shared.access import ADMIN
from okr_shared.identity import DevTokenIssuer
from okr_web.auth.domain import DevPerson, suggested_roles
from okr_web.unavailable import Unavailable

PAGE = 1000


class UnknownPerson(LookupError):
    """No active person of that id in the demo tenant."""


class DevSignIn:
    """Lists the demo tenant's people and mints a development token for one of them."""

    def __init__(
        self,
        issuer: DevTokenIssuer,
        directory: httpx.AsyncClient,
        tenant_id: str,
        overrides: Mapping[str, list[str]],
        ttl_seconds: int,
    ) -> None:
        self._issuer = issuer
        self._directory = directory
        self.tenant_id = tenant_id
        self._overrides = dict(overrides)
        self.ttl_seconds = ttl_seconds

    async def _get(self, path: str, **params: int) -> dict:
        token = self._issuer.issue(self.tenant_id, "okr-web", (ADMIN,), ttl_seconds=60)
        try:
            response = await self._directory.get(
                path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.TransportError as exc:
            raise Unavailable(
                "goals", f"The goal service's directory cannot be read: {exc}"
            ) from exc
        if response.status_code != 200:
            raise Unavailable(
                "goals", f"The goal service's directory answered {response.status_code}."
            )
        return response.json()

    async def people(self) -> list[DevPerson]:
        """The tenant's active people with the roles their development tokens carry."""
        units = {u["org_unit_id"]: u for u in (await self._get("/v1/directory/org-units"))["items"]}
        people: list[dict] = []
        while True:
            page = await self._get("/v1/directory/people", limit=PAGE, offset=len(people))
            people += page["items"]
            if len(page["items"]) < PAGE:
                break
        active = [p for p in people if p.get("active", True)]
        return suggested_roles(active, units, self._overrides)

    async def token(self, person_id: str) -> tuple[str, DevPerson]:
        """A development token for the person, and the person; UnknownPerson if not there."""
        person = next((p for p in await self.people() if p.person_id == person_id), None)
        if person is None:
            raise UnknownPerson(person_id)
        token = self._issuer.issue(
            self.tenant_id, person.person_id, person.roles, ttl_seconds=self.ttl_seconds
        )
        return token, person
