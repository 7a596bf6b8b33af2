"""Refuses to store an event that breaks its published contract, so no outbox ever holds one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts.registry import ContractViolation, default_registry
from okr_shared.errors import InvalidField
from okr_shared.personal.keys import MemoryKeyTable
from okr_shared.personal.sealing import PersonalData

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
    objs: Iterable[Any],
    published_form: PublishedForm,
    stored_first: Callable[[Any], Any],
    check_opened: Callable[[CloudEvent], None] | None = None,
) -> None:
    """Maps every pending event of the aggregates (or every event given) to its published form;
    raises InvalidField naming the first field that breaks its contract.

    A pending event's business key is the aggregate's own (keys never change), so its first
    version is not looked up; `stored_first` serves events handed over without their aggregate.
    `check_opened` checks each published form again with its personal values opened.
    """
    for obj in objs:
        if obj is None:
            continue
        pending = getattr(obj, "pending_events", None)
        if pending is None:
            _check(obj, published_form, stored_first, check_opened)
            continue
        for domain_event in pending:
            _check(
                domain_event, published_form, lambda _event, aggregate=obj: aggregate, check_opened
            )


def _check(
    domain_event: Any,
    published_form: PublishedForm,
    first: Callable[[Any], Any],
    check_opened: Callable[[CloudEvent], None] | None,
) -> None:
    try:
        event = published_form(domain_event, first)
        if event is not None and check_opened is not None:
            check_opened(event)
    except ContractViolation as exc:
        raise InvalidField(request_pointer(exc.field), exc.detail) from exc


class ContractCheckedSave:
    """An eventsourcing Application mixin: `save` stores nothing when a pending event breaks its
    published contract. The class using it names the mapping in `published_form`.

    With `personal` set (the service's `PersonalData`), the published form holds sealed values;
    they are opened and the text checked against the schema as written, so its limits apply to
    the text rather than to the sealed string.
    """

    @property
    def personal(self) -> PersonalData:
        """The service's personal data keys (in memory until the bootstrap sets its table)."""
        found = self.__dict__.get("_personal")
        if found is None:
            found = self.__dict__["_personal"] = PersonalData(MemoryKeyTable())
        return found

    @personal.setter
    def personal(self, value: PersonalData) -> None:
        self.__dict__["_personal"] = value

    def published_form(self, domain_event: Any, first: Callable[[Any], Any]) -> CloudEvent | None:
        raise NotImplementedError

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        check = self._check_opened
        check_published_forms(objs, self.published_form, self._stored_first, check)
        return super().save(*objs, **kwargs)  # type: ignore[misc]

    def _check_opened(self, event: CloudEvent) -> None:
        data, erased = self.personal.opened_checked(event.data)
        default_registry().validate_opened(
            event.schema_context, event.schema_name, event.schema_version, data, erased
        )

    def _stored_first(self, domain_event: Any) -> Any:
        repository = self.repository  # type: ignore[attr-defined]
        return repository.get(domain_event.originator_id, version=1)
