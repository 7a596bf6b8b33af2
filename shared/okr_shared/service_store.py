"""The eventsourcing Application of a write service whose aggregates each belong to a tenant:
every pending event is checked against its published contract before it is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts.guard import ContractCheckedSave, PublishedForm
from okr_shared.errors import VersionConflict
from okr_shared.event_meta import Caller

A = TypeVar("A", bound=Aggregate)


class TenantStore(ContractCheckedSave, Application[UUID]):
    """`save` maps each pending event as the relay will (the subclass names the mapping in
    `contract_mapping`); a violation refuses the command (422)."""

    contract_mapping: ClassVar[PublishedForm]

    def published_form(self, domain_event: Any, first: Callable[[Any], Any]) -> CloudEvent | None:
        return type(self).contract_mapping(domain_event, first)

    def find(self, kind: type[A], aggregate_id: UUID, tenant_id: str) -> A | None:
        """The aggregate of that kind and tenant, or None."""
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return (
            aggregate if isinstance(aggregate, kind) and aggregate.tenant_id == tenant_id else None
        )

    def save_or_conflict(self, *aggregates: Aggregate) -> None:
        """Saves; a concurrent change of one of the aggregates is a version conflict (409)."""
        try:
            self.save(*aggregates)
        except IntegrityError as exc:
            raise VersionConflict(0, None) from exc


def event_meta(caller: Caller, now: Any) -> dict[str, Any]:
    """The metadata of an event the caller causes at `now`."""
    return {**caller.meta.as_dict(), "at": now.isoformat()}
