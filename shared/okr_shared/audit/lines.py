"""The canonical lines of a store's notification log, computed from the stored events with the
service's own mapping to their published form (`PublishedForm`, as the relay publishes them)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import AggregateNotFoundError, Application

from okr_shared.audit.canonical import event_line, rfc3339
from okr_shared.contracts.guard import PublishedForm

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """Reading the store failed: the store, not an event, is at fault."""


@dataclass(frozen=True)
class StoredLine:
    """One notification as the chain sees it; `tenant_id` and `line` are None (with `fault`) when
    the stored event cannot be read or attributed to a tenant."""

    position: int
    aggregate_id: str
    aggregate_version: int
    tenant_id: str | None
    line: bytes | None
    recorded_at: str
    fault: str | None = None


class StoreLines:
    """Reads a service's notification log as canonical lines."""

    def __init__(self, app: Application, published_form: PublishedForm, service: str) -> None:
        self.app = app
        self.published_form = published_form
        self.service = service
        self._firsts: dict[Any, Any] = {}

    def fresh(self) -> StoreLines:
        """The same reader without remembered first versions: a verification reads everything."""
        return StoreLines(self.app, self.published_form, self.service)

    def max_position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def read(self, after: int, limit: int, upto: int | None = None) -> list[StoredLine]:
        """The notifications after `after` (at most `limit`, none above `upto`)."""
        try:
            notifications = self.app.recorder.select_notifications(
                after, limit, stop=upto, inclusive_of_start=False
            )
        except Exception as exc:
            raise StoreUnavailable(str(exc)) from exc
        return [self.line_of(n) for n in notifications]

    def between(self, after: int, upto: int, batch: int = 500) -> Iterator[StoredLine]:
        """Every notification after `after` up to `upto`, in order."""
        while after < upto:
            found = self.read(after, batch, upto)
            if not found:
                return
            yield from found
            after = found[-1].position

    def line_of(self, notification: Any) -> StoredLine:
        position = int(notification.id)
        aggregate_id = str(notification.originator_id)
        version = int(notification.originator_version)
        try:
            domain_event = self.app.mapper.to_domain_event(notification)
        except Exception as exc:
            fault = f"stored event unreadable: {type(exc).__name__}: {exc}"
            return StoredLine(position, aggregate_id, version, None, None, "", fault)
        recorded_at = rfc3339(domain_event.timestamp)
        try:
            event = self.published_form(domain_event, self._first)
        except StoreUnavailable:
            raise
        except Exception as exc:
            log.warning("event %s has no published form (%s): chained as internal", position, exc)
            event = None
        try:
            tenant_id = event.tenantid if event is not None else self._tenant_of(domain_event)
        except AggregateNotFoundError:
            fault = f"the first version of aggregate {aggregate_id} is missing"
            return StoredLine(position, aggregate_id, version, None, None, recorded_at, fault)
        if not tenant_id:
            fault = f"aggregate {aggregate_id} names no tenant"
            return StoredLine(position, aggregate_id, version, None, None, recorded_at, fault)
        line = event_line(self.service, tenant_id, position, aggregate_id, version, event)
        return StoredLine(position, aggregate_id, version, tenant_id, line, recorded_at)

    def _tenant_of(self, domain_event: Any) -> str | None:
        """An internal event's tenant: its aggregate's first version's `tenant_id`."""
        return getattr(self._first(domain_event), "tenant_id", None)

    def _first(self, domain_event: Any) -> Any:
        key = domain_event.originator_id
        if key not in self._firsts:
            if len(self._firsts) > 10_000:
                self._firsts.clear()
            try:
                self._firsts[key] = self.app.repository.get(key, version=1)
            except AggregateNotFoundError:
                raise
            except Exception as exc:
                raise StoreUnavailable(str(exc)) from exc
        return self._firsts[key]
