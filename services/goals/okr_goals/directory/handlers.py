"""Directory import: org units and people from an HR export, validated whole, stored all or nothing.

Re-importing the same file stores nothing; a changed unit or parent is a rename or move, a
changed org unit or manager a person's move, and `status: left` a departure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from okr_goals import keys
from okr_goals.directory.commands import ImportDirectory, ImportRow
from okr_goals.directory.domain import EMAIL, LOCALE, OrgUnit, Person
from okr_goals.errors import Forbidden, ImportRejected
from okr_goals.store import ORG_UNITS_ROSTER, PEOPLE_ROSTER, GoalsStore
from okr_shared.contracts import default_registry
from okr_shared.contracts.vocabulary import UNIT_KINDS
from okr_shared.event_meta import Caller

PERSON_STATUSES = ("active", "left")


@cache
def _limits(event: str) -> dict[str, int]:
    """The most characters each field of a published directory event may have."""
    return default_registry().max_lengths("goals", event)


@dataclass
class ImportReport:
    """What an import did, by kind of change."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    events: int = 0


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, section: str, row: ImportRow, name: str, detail: str) -> None:
        self.items.append(
            {"pointer": f"#/{section}/{row.index}/{name}", "line": row.line, "detail": detail}
        )


def _text(row: ImportRow, name: str) -> str | None:
    value = row.fields.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


class DirectoryHandlers:
    """Bulk import of the organisation directory, and single lookups."""

    def __init__(self, store: GoalsStore) -> None:
        self.store = store

    def import_directory(self, command: ImportDirectory, caller: Caller) -> ImportReport:
        """Validates every row first; with any broken row nothing is stored and every problem is
        reported."""
        if not caller.is_admin:
            raise Forbidden("#", "only admins import the directory")
        problems = _Problems()
        units = self._check_units(command.org_units, caller.tenant_id, problems)
        people = self._check_people(command.people, caller.tenant_id, set(units), problems)
        if problems.items:
            raise ImportRejected(problems.items)
        report = ImportReport()
        changed = self._apply_units(units, caller, report) + self._apply_people(
            people, caller, report
        )
        rosters = []
        for name, new_ids in (
            (ORG_UNITS_ROSTER, [k for k, a, new in changed if new and isinstance(a, OrgUnit)]),
            (PEOPLE_ROSTER, [k for k, a, new in changed if new and isinstance(a, Person)]),
        ):
            if new_ids:
                roster = self.store.roster(caller.tenant_id, name)
                roster.enrol(new_ids)
                rosters.append(roster)
        aggregates = [a for _, a, _ in changed] + rosters
        report.events = sum(len(a.pending_events) for a in aggregates)
        if aggregates:
            self.store.save_checked(aggregates)
        return report

    def _check_units(
        self, rows: tuple[ImportRow, ...], tenant_id: str, problems: _Problems
    ) -> dict[str, dict]:
        units: dict[str, dict] = {}
        limits = _limits("OrgUnitCreated")
        for row in rows:
            unit_id, name, kind, parent = (
                _text(row, k) for k in ("org_unit_id", "name", "kind", "parent_id")
            )
            if unit_id is None or len(unit_id) > limits["org_unit_id"]:
                problems.add(
                    "org_units",
                    row,
                    "org_unit_id",
                    f"is required (at most {limits['org_unit_id']} characters)",
                )
                continue
            if unit_id in units:
                problems.add(
                    "org_units", row, "org_unit_id", f"{unit_id} appears twice in the file"
                )
                continue
            _check_unit_fields(row, name, kind, parent, limits, problems)
            units[unit_id] = {"row": row, "name": name, "kind": kind, "parent_id": parent}
        for unit_id, unit in units.items():
            parent = unit["parent_id"]
            if (
                parent is not None
                and parent not in units
                and self.store.find_unit(tenant_id, parent) is None
            ):
                problems.add("org_units", unit["row"], "parent_id", f"unknown org unit {parent}")
            elif self._unit_loops(unit_id, units, tenant_id):
                problems.add(
                    "org_units", unit["row"], "parent_id", "would make the org-unit tree circular"
                )
        return units

    def _unit_loops(self, unit_id: str, units: dict[str, dict], tenant_id: str) -> bool:
        seen = {unit_id}
        current = units[unit_id]["parent_id"]
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            if current in units:
                current = units[current]["parent_id"]
            else:
                existing = self.store.find_unit(tenant_id, current)
                current = existing.parent_id if existing is not None else None
        return False

    def _check_people(
        self, rows: tuple[ImportRow, ...], tenant_id: str, unit_ids: set[str], problems: _Problems
    ) -> dict[str, dict]:
        people: dict[str, dict] = {}
        limits = _limits("PersonJoined")
        for row in rows:
            values = {
                k: _text(row, k)
                for k in (
                    "person_id",
                    "name",
                    "email",
                    "manager_id",
                    "org_unit_id",
                    "locale",
                    "status",
                )
            }
            person_id = values["person_id"]
            if person_id is None or len(person_id) > limits["person_id"]:
                problems.add(
                    "people",
                    row,
                    "person_id",
                    f"is required (at most {limits['person_id']} characters)",
                )
                continue
            if person_id in people:
                problems.add("people", row, "person_id", f"{person_id} appears twice in the file")
                continue
            _check_person_fields(row, values, limits, problems)
            unit = values["org_unit_id"]
            if (
                unit is not None
                and unit not in unit_ids
                and self.store.find_unit(tenant_id, unit) is None
            ):
                problems.add("people", row, "org_unit_id", f"unknown org unit {unit}")
            people[person_id] = {"row": row, **values}
        for person_id, person in people.items():
            manager = person["manager_id"]
            if manager == person_id:
                problems.add(
                    "people", person["row"], "manager_id", "a person cannot manage themselves"
                )
            elif (
                manager is not None
                and self.store.find_person(tenant_id, manager) is None
                and (manager not in people or people[manager]["status"] == "left")
            ):
                problems.add("people", person["row"], "manager_id", f"unknown person {manager}")
        return people

    def _apply_units(
        self, units: dict[str, dict], caller: Caller, report: ImportReport
    ) -> list[tuple[str, Any, bool]]:
        changed = []
        for unit_id, unit in units.items():
            existing = self.store.find_unit(caller.tenant_id, unit_id)
            if existing is None:
                created = OrgUnit.found(
                    aggregate_id=keys.org_unit_uuid(caller.tenant_id, unit_id),
                    org_unit_id=unit_id,
                    name=unit["name"],
                    kind=unit["kind"],
                    parent_id=unit["parent_id"],
                    meta=caller.meta,
                )
                report.created += 1
                changed.append((unit_id, created, True))
                continue
            existing.rename(unit["name"], caller.meta)
            existing.move(unit["parent_id"], caller.meta)
            _count(existing, report, changed, unit_id)
        return changed

    def _apply_people(
        self, people: dict[str, dict], caller: Caller, report: ImportReport
    ) -> list[tuple[str, Any, bool]]:
        """Joins, changes and moves people; name and e-mail are sealed with the person's key."""
        changed = []
        for person_id, p in people.items():
            for field in ("name", "email"):
                p[field] = self.store.personal.seal(caller.tenant_id, person_id, p[field])
            existing = self.store.find_person(caller.tenant_id, person_id)
            if existing is None:
                if p["status"] == "left":
                    report.unchanged += 1
                    continue
                joined = Person.join(
                    aggregate_id=keys.person_uuid(caller.tenant_id, person_id),
                    person_id=person_id,
                    name=p["name"],
                    email=p["email"],
                    manager_id=p["manager_id"],
                    org_unit_id=p["org_unit_id"],
                    locale=p["locale"],
                    meta=caller.meta,
                )
                report.created += 1
                changed.append((person_id, joined, True))
                continue
            if p["status"] == "active":
                existing.come_back(caller.meta)
            existing.change_details(
                {"name": p["name"], "email": p["email"], "locale": p["locale"]}, caller.meta
            )
            existing.move(p["org_unit_id"], p["manager_id"], caller.meta)
            if p["status"] == "left" and existing.active:
                existing.leave(caller.meta)
                report.left += 1
            _count(existing, report, changed, person_id)
        return changed

    def get_person(self, tenant_id: str, person_id: str) -> Person | None:
        return self.store.find_person(tenant_id, person_id)

    def get_org_unit(self, tenant_id: str, org_unit_id: str) -> OrgUnit | None:
        return self.store.find_unit(tenant_id, org_unit_id)

    def list_org_units(self, tenant_id: str) -> list[OrgUnit]:
        units = (
            self.store.find_unit(tenant_id, u)
            for u in self.store.roster_members(tenant_id, ORG_UNITS_ROSTER)
        )
        return [u for u in units if u is not None]

    def list_people(self, tenant_id: str, offset: int = 0, limit: int = 100) -> list[Person]:
        ids = self.store.roster_members(tenant_id, PEOPLE_ROSTER)[offset : offset + limit]
        people = (self.store.find_person(tenant_id, p) for p in ids)
        return [p for p in people if p is not None]


def _count(aggregate: Any, report: ImportReport, changed: list, key: str) -> None:
    if aggregate.pending_events:
        report.updated += 1
        changed.append((key, aggregate, False))
    else:
        report.unchanged += 1


def _check_unit_fields(
    row: ImportRow,
    name: str | None,
    kind: str | None,
    parent: str | None,
    limits: dict[str, int],
    problems: _Problems,
) -> None:
    """Reports what is wrong with a unit's name, kind and parent (the id is checked before)."""
    if name is None:
        problems.add("org_units", row, "name", "is required")
    elif len(name) > limits["name"]:
        problems.add("org_units", row, "name", f"at most {limits['name']} characters")
    if kind not in UNIT_KINDS:
        problems.add("org_units", row, "kind", f"must be one of {', '.join(UNIT_KINDS)}")
    if (parent is None) != (kind == "company"):
        problems.add(
            "org_units",
            row,
            "parent_id",
            "is empty for the company and required for departments and teams",
        )


def _check_person_fields(
    row: ImportRow, values: dict[str, Any], limits: dict[str, int], problems: _Problems
) -> None:
    """Reports what is wrong with a person's fields (the id is checked before); fills in the
    default locale and status."""
    if values["name"] is None:
        problems.add("people", row, "name", "is required")
    if values["email"] is None or not EMAIL.match(values["email"]):
        problems.add("people", row, "email", "must be an e-mail address")
    values["locale"] = values["locale"] or "en"
    if not LOCALE.match(values["locale"]):
        problems.add("people", row, "locale", "must be a language tag such as en or de-CH")
    for field in ("name", "email", "locale"):
        if values[field] is not None and len(values[field]) > limits[field]:
            problems.add("people", row, field, f"at most {limits[field]} characters")
    values["status"] = values["status"] or "active"
    if values["status"] not in PERSON_STATUSES:
        problems.add("people", row, "status", f"must be one of {', '.join(PERSON_STATUSES)}")
