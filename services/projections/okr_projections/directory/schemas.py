"""Response bodies of the org-unit and people read models."""

from __future__ import annotations

from okr_projections.api import ReadModel


class OrgUnitOut(ReadModel):
    org_unit_id: str
    name: str | None = None
    kind: str | None = None
    parent_id: str | None = None
    ancestors: list[str] = []


class PersonOut(ReadModel):
    person_id: str
    name: str | None = None
    email: str | None = None
    manager_id: str | None = None
    org_unit_id: str | None = None
    locale: str | None = None
    active: bool | None = None
    left_at: str | None = None
    erased: bool = False
