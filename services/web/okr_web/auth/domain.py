"""The demo people a developer may sign in as, and the roles their tokens carry (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from okr_shared.access import ADMIN, LEADER

COMPANY = "company"
DEPARTMENT = "department"


@dataclass(frozen=True)
class DevPerson:
    person_id: str
    name: str
    org_unit_id: str | None
    locale: str | None
    roles: tuple[str, ...]


def heads(people: list[Mapping], units: Mapping[str, Mapping]) -> dict[str, str]:
    """The kind of unit each head leads: a person whose manager is outside their unit (or who has
    none) heads it."""
    unit_of = {p["person_id"]: p.get("org_unit_id") for p in people}
    found = {}
    for person in people:
        unit = person.get("org_unit_id")
        if unit not in units:
            continue
        manager = person.get("manager_id")
        if manager is None or unit_of.get(manager) != unit:
            found[person["person_id"]] = units[unit].get("kind") or ""
    return found


def suggested_roles(
    people: list[Mapping],
    units: Mapping[str, Mapping],
    overrides: Mapping[str, list[str]] | None = None,
) -> list[DevPerson]:
    """Everyone with the roles of a development token: the company's head `admin` and `leader`,
    department heads `leader`, everyone else none; `overrides` replace a person's roles."""
    led = heads(people, units)
    found = []
    for person in people:
        kind = led.get(person["person_id"])
        roles: tuple[str, ...] = (
            (ADMIN, LEADER) if kind == COMPANY else (LEADER,) if kind == DEPARTMENT else ()
        )
        if overrides and person["person_id"] in overrides:
            roles = tuple(overrides[person["person_id"]])
        found.append(
            DevPerson(
                person_id=person["person_id"],
                name=person.get("name") or person["person_id"],
                org_unit_id=person.get("org_unit_id"),
                locale=person.get("locale"),
                roles=roles,
            )
        )
    return found
