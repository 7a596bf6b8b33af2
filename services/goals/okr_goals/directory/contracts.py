"""The published contracts of the org-unit and person events."""

from __future__ import annotations

from okr_goals.directory.domain import OrgUnit, Person
from okr_goals.mapping import Mapper, pick

MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    OrgUnit.Created: ("OrgUnitCreated", "org_unit", pick("name", "kind", "parent_id")),
    OrgUnit.Renamed: ("OrgUnitRenamed", "org_unit", pick("name", "previous_name")),
    OrgUnit.Moved: ("OrgUnitMoved", "org_unit", pick("parent_id", "previous_parent_id")),
    Person.Joined: (
        "PersonJoined",
        "person",
        pick("name", "email", "manager_id", "org_unit_id", "locale"),
    ),
    Person.DetailsChanged: ("PersonDetailsChanged", "person", pick("changes", "previous")),
    Person.Moved: (
        "PersonMoved",
        "person",
        pick("org_unit_id", "manager_id", "previous_org_unit_id", "previous_manager_id"),
    ),
    Person.Left: ("PersonLeft", "person", lambda e: {}),
    Person.Returned: ("PersonReturned", "person", pick("org_unit_id", "manager_id")),
}
