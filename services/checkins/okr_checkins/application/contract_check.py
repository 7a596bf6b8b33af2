"""Check-in events are checked against their published contracts before they are stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okr_checkins.adapters.event_contracts import published_form
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import default_registry
from okr_shared.contracts.guard import ContractCheckedSave


class PublishedContractCheck(ContractCheckedSave):
    """`save` maps each pending event as the relay will; a violation refuses the command (422)."""

    _published_form = staticmethod(published_form(default_registry()))

    def published_form(self, domain_event: Any, first: Callable[[Any], Any]) -> CloudEvent | None:
        return self._published_form(domain_event, first)
