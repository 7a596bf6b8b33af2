"""Directory routes: import an HR export (JSON or CSV), list and read org units and people."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from okr_goals.deps import Directory
from okr_goals.directory.files import UnreadableFile, from_csv, from_json
from okr_goals.directory.schemas import (
    DirectoryIn,
    ImportReportOut,
    OrgUnitOut,
    OrgUnitsOut,
    PeopleOut,
    PersonOut,
    org_unit_view,
    person_view,
)
from okr_shared.api_models import Offset, problems
from okr_shared.problems import Problem, call, field_error
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1/directory", tags=["directory"])


@router.post(
    "/import",
    responses=problems(403, 415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": DirectoryIn.model_json_schema()},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_directory(
    request: Request,
    caller: CurrentCaller,
    directory: Directory,
    entity: Annotated[
        Literal["org_units", "people"] | None, Query(description="What a CSV file holds")
    ] = None,
) -> ImportReportOut:
    """Imports org units and people (admins). Every broken row is reported and nothing is stored;
    importing the same file again changes nothing."""
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    try:
        if content_type == "text/csv":
            if entity is None:
                raise UnreadableFile(
                    "query:entity", "say whether the CSV holds org_units or people"
                )
            command = from_csv(body.decode("utf-8-sig"), entity)
        elif content_type == "application/json":
            document = DirectoryIn.model_validate(json.loads(body))
            command = from_json(document.model_dump())
        else:
            raise Problem(
                415,
                "Unsupported media type",
                "Send application/json or text/csv.",
                kind="media-type",
            )
    except UnreadableFile as exc:
        raise Problem(
            422,
            "Unreadable import file",
            exc.message,
            kind="import-rejected",
            errors=[field_error(exc.pointer, exc.message)],
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Problem(400, "Unreadable import file", str(exc), kind="malformed") from exc
    except ValueError as exc:
        raise Problem(
            422,
            "Invalid request",
            str(exc),
            kind="validation",
            errors=[field_error("#", "must be an object with org_units and people arrays")],
        ) from exc
    report = await call(directory.import_directory, command, caller)
    return ImportReportOut(**asdict(report))


@router.get("/org-units")
async def list_org_units(caller: CurrentCaller, directory: Directory) -> OrgUnitsOut:
    """The tenant's org units."""
    return OrgUnitsOut(
        items=[org_unit_view(u) for u in await call(directory.list_org_units, caller.tenant_id)]
    )


@router.get("/org-units/{org_unit_id}", responses=problems(404))
async def get_org_unit(org_unit_id: str, caller: CurrentCaller, directory: Directory) -> OrgUnitOut:
    unit = await call(directory.get_org_unit, caller.tenant_id, org_unit_id)
    if unit is None:
        raise Problem(
            404,
            "Org unit not found",
            f"No org unit {org_unit_id} in this tenant.",
            kind="not-found",
        )
    return org_unit_view(unit)


@router.get("/people")
async def list_people(
    caller: CurrentCaller,
    directory: Directory,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> PeopleOut:
    """A page of the tenant's people."""
    people = await call(directory.list_people, caller.tenant_id, offset, limit)
    items = [person_view(p, directory.store.personal) for p in people]
    return PeopleOut(items=items, limit=limit, offset=offset)


@router.get("/people/{person_id}", responses=problems(404))
async def get_person(person_id: str, caller: CurrentCaller, directory: Directory) -> PersonOut:
    person = await call(directory.get_person, caller.tenant_id, person_id)
    if person is None:
        raise Problem(
            404, "Person not found", f"No person {person_id} in this tenant.", kind="not-found"
        )
    return person_view(person, directory.store.personal)
