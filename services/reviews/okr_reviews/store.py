"""The event store of the review service: the eventsourcing Application every feature loads its
aggregates from and saves them to. Every pending event is checked against its published contract
before it is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from okr_reviews.contracts import published_form
from okr_reviews.reviews.domain import Review
from okr_reviews.rules.domain import RuleBook
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import default_registry
from okr_shared.contracts.guard import ContractCheckedSave
from okr_shared.errors import VersionConflict
from okr_shared.event_meta import Caller

A = TypeVar("A", bound=Aggregate)


class PublishedContractCheck(ContractCheckedSave):
    """`save` maps each pending event as the relay will; a violation refuses the command (422)."""

    _published_form = staticmethod(published_form(default_registry()))

    def published_form(self, domain_event: Any, first: Callable[[Any], Any]) -> CloudEvent | None:
        return self._published_form(domain_event, first)


class ReviewsStore(PublishedContractCheck, Application[UUID]):
    """Scoring-rule books and reviews."""

    name = "reviews"
    snapshotting_intervals = {RuleBook: 50, Review: 100}

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
