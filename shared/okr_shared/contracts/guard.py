"""Refuses to store an event that breaks its published contract, so no outbox ever holds one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts.registry import ContractViolation
from okr_shared.errors import InvalidField

PublishedForm = Callable[[Any, Callable[[Any], Any]], CloudEvent | None]
"""Maps a stored domain event to its published CloudEvent (None for internal events); the second
argument looks up the aggregate's first version, for events that do not carry their business key."""


def request_pointer(field: tuple[str | int, ...]) -> str:
    """The JSON pointer into a command's request of a field of the published data.

    The data names most fields as the request does; a change's new values sit under `changes`,
    which the request carries at its top level.
    """
    parts = list(field[1:] if field[:1] == ("changes",) else field)
    if not parts:
        return "#"
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def check_published_forms(
    objs: Iterable[Any], published_form: PublishedForm, stored_first: Callable[[Any], Any]
) -> None:
    """Maps every pending event of the aggregates (or every event given) to its published form;
    raises InvalidField naming the first field that breaks its contract.

    A pending event's business key is the aggregate's own (keys never change), so its first
    version is not looked up; `stored_first` serves events handed over without their aggregate.
    """
    for obj in objs:
        if obj is None:
            continue
        pending = getattr(obj, "pending_events", None)
        if pending is None:
            _check(obj, published_form, stored_first)
            continue
        for domain_event in pending:
            _check(domain_event, published_form, lambda _event, aggregate=obj: aggregate)


def _check(domain_event: Any, published_form: PublishedForm, first: Callable[[Any], Any]) -> None:
    try:
        published_form(domain_event, first)
    except ContractViolation as exc:
        raise InvalidField(request_pointer(exc.field), exc.detail) from exc


class ContractCheckedSave:
    """An eventsourcing Application mixin: `save` stores nothing when a pending event breaks its
    published contract. The class using it names the mapping in `published_form`."""

    def published_form(self, domain_event: Any, first: Callable[[Any], Any]) -> CloudEvent | None:
        raise NotImplementedError

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        check_published_forms(objs, self.published_form, self._stored_first)
        return super().save(*objs, **kwargs)  # type: ignore[misc]

    def _stored_first(self, domain_event: Any) -> Any:
        repository = self.repository  # type: ignore[attr-defined]
        return repository.get(domain_event.originator_id, version=1)
