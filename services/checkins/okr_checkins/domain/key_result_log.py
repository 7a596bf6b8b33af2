"""The check-in log of one key result: every check-in and correction, never overwritten."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_checkins.domain.bitemporal import CheckIn
from okr_checkins.domain.errors import CheckInNotFound
from okr_shared.errors import InvalidField


class KeyResultLog(Aggregate):
    """Check-ins of a key result in the order the platform learned them."""

    @event("Opened")
    def __init__(self, tenant_id: str, key_result_id: str, objective_id: str) -> None:
        self.tenant_id = tenant_id
        self.key_result_id = key_result_id
        self.objective_id = objective_id
        self.check_ins: list[CheckIn] = []
        self.source_keys: dict[str, str] = {}

    @classmethod
    def open(
        cls, aggregate_id: Any, tenant_id: str, key_result_id: str, objective_id: str
    ) -> KeyResultLog:
        return cls._create(
            cls.Opened,
            id=aggregate_id,
            tenant_id=tenant_id,
            key_result_id=key_result_id,
            objective_id=objective_id,
        )

    def check_in(self, check_in_id: str) -> CheckIn:
        for item in self.check_ins:
            if item["check_in_id"] == check_in_id:
                return item
        raise CheckInNotFound(check_in_id)

    def by_source_key(self, source_key: str) -> CheckIn | None:
        check_in_id = self.source_keys.get(source_key)
        return self.check_in(check_in_id) if check_in_id else None

    def record(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        """Adds a check-in; its id must be new."""
        if any(c["check_in_id"] == check_in["check_in_id"] for c in self.check_ins):
            raise InvalidField("#/check_in_id", "a check-in with this id exists")
        self._recorded(check_in=check_in, meta=meta)

    @event("Recorded")
    def _recorded(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        self.check_ins = [*self.check_ins, check_in]
        if check_in.get("source_key"):
            self.source_keys = {**self.source_keys, check_in["source_key"]: check_in["check_in_id"]}

    def correct(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        """Adds a correction; the check-in it corrects must exist and stays in the history."""
        try:
            self.check_in(check_in["corrects"])
        except CheckInNotFound as exc:
            raise InvalidField(
                "#/corrects", f"no check-in {check_in['corrects']} on this key result"
            ) from exc
        if not check_in.get("reason"):
            raise InvalidField("#/reason", "a correction needs a reason")
        self._corrected(check_in=check_in, meta=meta)

    @event("Corrected")
    def _corrected(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        self.check_ins = [*self.check_ins, check_in]
