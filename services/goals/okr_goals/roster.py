"""Rosters: append-only lists of aggregate ids (a cycle's objectives, a tenant's org units and
people).

They are saved in the same transaction as the aggregates they list, so the set of members as
of any time can be read back from events alone.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event


class Roster(Aggregate):
    """The ids enrolled under one name in one tenant, in the order they joined."""

    @event("Opened")
    def __init__(self, tenant_id: str, name: str) -> None:
        self.tenant_id = tenant_id
        self.name = name
        self.members: list[str] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, name: str) -> Roster:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id, name=name)

    def enrol(self, member_ids: list[str]) -> None:
        known = set(self.members)
        new = [m for m in dict.fromkeys(member_ids) if m not in known]
        if new:
            self._enrolled(member_ids=new)

    @event("Enrolled")
    def _enrolled(self, member_ids: list[str]) -> None:
        self.members = [*self.members, *member_ids]
