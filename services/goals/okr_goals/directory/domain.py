"""The organisation directory: org units in a tree and the people in them."""

from __future__ import annotations

import re
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.event_meta import EventMeta

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class OrgUnit(Aggregate):
    """A company, department or team; `parent_id` is null only for the company."""

    @event("Created")
    def __init__(
        self,
        tenant_id: str,
        org_unit_id: str,
        name: str,
        kind: str,
        parent_id: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id
        self.org_unit_id = org_unit_id
        self.name = name
        self.kind = kind
        self.parent_id = parent_id

    @classmethod
    def found(
        cls,
        *,
        aggregate_id: Any,
        org_unit_id: str,
        name: str,
        kind: str,
        parent_id: str | None,
        meta: EventMeta,
    ) -> OrgUnit:
        return cls._create(
            cls.Created,
            id=aggregate_id,
            tenant_id=meta.tenant_id,
            org_unit_id=org_unit_id,
            name=name,
            kind=kind,
            parent_id=parent_id,
            meta=meta.as_dict(),
        )

    def rename(self, name: str, meta: EventMeta) -> None:
        if name != self.name:
            self._renamed(name=name, previous_name=self.name, meta=meta.as_dict())

    @event("Renamed")
    def _renamed(self, name: str, previous_name: str, meta: dict[str, Any]) -> None:
        self.name = name

    def move(self, parent_id: str | None, meta: EventMeta) -> None:
        if parent_id != self.parent_id:
            self._moved(parent_id=parent_id, previous_parent_id=self.parent_id, meta=meta.as_dict())

    @event("Moved")
    def _moved(
        self, parent_id: str | None, previous_parent_id: str | None, meta: dict[str, Any]
    ) -> None:
        self.parent_id = parent_id


class Person(Aggregate):
    """Someone in the directory: where they sit, who they report to, and whether they are still
    here. Name and e-mail are held sealed (`okr_shared.personal`); `erased` says an admin erased
    the person's personal data."""

    erased: bool = False

    @event("Joined")
    def __init__(
        self,
        tenant_id: str,
        person_id: str,
        name: str,
        email: str,
        manager_id: str | None,
        org_unit_id: str | None,
        locale: str,
        meta: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id
        self.person_id = person_id
        self.name = name
        self.email = email
        self.manager_id = manager_id
        self.org_unit_id = org_unit_id
        self.locale = locale
        self.active = True

    @classmethod
    def join(
        cls,
        *,
        aggregate_id: Any,
        person_id: str,
        name: str,
        email: str,
        manager_id: str | None,
        org_unit_id: str | None,
        locale: str,
        meta: EventMeta,
    ) -> Person:
        return cls._create(
            cls.Joined,
            id=aggregate_id,
            tenant_id=meta.tenant_id,
            person_id=person_id,
            name=name,
            email=email,
            manager_id=manager_id,
            org_unit_id=org_unit_id,
            locale=locale,
            meta=meta.as_dict(),
        )

    def change_details(self, details: dict[str, str], meta: EventMeta) -> None:
        """Records the details that differ; an erased person's details stay erased."""
        changes = {k: v for k, v in details.items() if getattr(self, k) != v}
        if changes and not self.erased:
            self._details_changed(
                changes=changes,
                previous={k: getattr(self, k) for k in changes},
                meta=meta.as_dict(),
            )

    @event("DetailsChanged")
    def _details_changed(
        self, changes: dict[str, str], previous: dict[str, str], meta: dict[str, Any]
    ) -> None:
        for name, value in changes.items():
            setattr(self, name, value)

    def move(self, org_unit_id: str | None, manager_id: str | None, meta: EventMeta) -> None:
        if (org_unit_id, manager_id) != (self.org_unit_id, self.manager_id):
            self._moved(
                org_unit_id=org_unit_id,
                manager_id=manager_id,
                previous_org_unit_id=self.org_unit_id,
                previous_manager_id=self.manager_id,
                meta=meta.as_dict(),
            )

    @event("Moved")
    def _moved(
        self,
        org_unit_id: str | None,
        manager_id: str | None,
        previous_org_unit_id: str | None,
        previous_manager_id: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.org_unit_id = org_unit_id
        self.manager_id = manager_id

    def leave(self, meta: EventMeta) -> None:
        if self.active:
            self._left(meta=meta.as_dict())

    @event("Left")
    def _left(self, meta: dict[str, Any]) -> None:
        self.active = False

    def come_back(self, meta: EventMeta) -> None:
        if not self.active:
            self._returned(
                org_unit_id=self.org_unit_id, manager_id=self.manager_id, meta=meta.as_dict()
            )

    @event("Returned")
    def _returned(
        self, org_unit_id: str | None, manager_id: str | None, meta: dict[str, Any]
    ) -> None:
        self.active = True

    def erase(self, reason: str, meta: EventMeta) -> bool:
        """Records that the person's personal data was erased; False when it already was."""
        if self.erased:
            return False
        self._erased(reason=reason, meta=meta.as_dict())
        return True

    @event("PersonalDataErased")
    def _erased(self, reason: str, meta: dict[str, Any]) -> None:
        self.erased = True
