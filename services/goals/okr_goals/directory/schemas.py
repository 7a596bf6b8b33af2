"""Request and response bodies of the directory routes, and how units and people are shown."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from okr_goals.directory.domain import OrgUnit, Person
from okr_shared.personal import PersonalData


class DirectoryIn(BaseModel):
    """An HR export: rows are checked by the import itself, so every broken row is reported at
    once."""

    model_config = ConfigDict(extra="forbid")
    org_units: Annotated[list[dict[str, Any]], Field(max_length=50_000)] = []
    people: Annotated[list[dict[str, Any]], Field(max_length=200_000)] = []


class ImportReportOut(BaseModel):
    """What an import did, by kind of change."""

    created: int
    updated: int
    unchanged: int
    left: int
    events: int


class OrgUnitOut(BaseModel):
    org_unit_id: str
    name: str
    kind: str
    parent_id: str | None
    version: int


class OrgUnitsOut(BaseModel):
    items: list[OrgUnitOut]


class PersonOut(BaseModel):
    """A person; `name` and `email` are null, and `erased` true, once their personal data was
    erased."""

    person_id: str
    name: str | None
    email: str | None
    manager_id: str | None
    org_unit_id: str | None
    locale: str | None
    active: bool
    version: int
    erased: bool = False


class PeopleOut(BaseModel):
    items: list[PersonOut]
    limit: int
    offset: int


def org_unit_view(unit: OrgUnit) -> OrgUnitOut:
    return OrgUnitOut(
        org_unit_id=unit.org_unit_id,
        name=unit.name,
        kind=unit.kind,
        parent_id=unit.parent_id,
        version=unit.version,
    )


def person_view(person: Person, personal: PersonalData) -> PersonOut:
    """The person with name and e-mail opened (null when erased)."""
    name, email = personal.open(person.name), personal.open(person.email)
    return PersonOut(
        person_id=person.person_id,
        name=name,
        email=email,
        manager_id=person.manager_id,
        org_unit_id=person.org_unit_id,
        locale=person.locale,
        active=person.active,
        version=person.version,
        erased=person.erased or name is None,
    )
