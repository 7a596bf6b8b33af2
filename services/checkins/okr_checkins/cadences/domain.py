"""Check-in cadences and their periods, counted from the first day of the cycle."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.contracts.vocabulary import CHECK_IN_CADENCES
from okr_shared.errors import InvalidField

CADENCES = CHECK_IN_CADENCES
DEFAULT_CADENCE = "weekly"


@dataclass(frozen=True)
class Period:
    """One check-in period: [start, end) in UTC."""

    index: int
    start: datetime
    end: datetime


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _boundary(cadence: str, first: date, index: int) -> date:
    if cadence == "weekly":
        return first + timedelta(days=7 * index)
    if cadence == "biweekly":
        return first + timedelta(days=14 * index)
    if cadence == "monthly":
        return _add_months(first, index)
    raise ValueError(f"unknown cadence {cadence!r}")


def period_at(cadence: str, starts_on: date, ends_on: date, at: datetime) -> Period | None:
    """The period containing `at`, or None outside the cycle; the last period ends with the
    cycle."""
    cycle_end = datetime.combine(ends_on + timedelta(days=1), time(), UTC)
    if not datetime.combine(starts_on, time(), UTC) <= at < cycle_end:
        return None
    index = 0
    while datetime.combine(_boundary(cadence, starts_on, index + 1), time(), UTC) <= at:
        index += 1
    start = datetime.combine(_boundary(cadence, starts_on, index), time(), UTC)
    end = min(datetime.combine(_boundary(cadence, starts_on, index + 1), time(), UTC), cycle_end)
    return Period(index, start, end)


def previous_period(cadence: str, starts_on: date, ends_on: date, current: Period) -> Period | None:
    if current.index == 0:
        return None
    return period_at(cadence, starts_on, ends_on, current.start - timedelta(microseconds=1))


class Cadence(Aggregate):
    """How often check-ins are expected in a tenant (scope `tenant`) or an org unit and below."""

    @event("Set")
    def __init__(
        self,
        tenant_id: str,
        scope: str,
        org_unit_id: str | None,
        cadence: str,
        reason: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id
        self.scope = scope
        self.org_unit_id = org_unit_id
        self.cadence = cadence

    @classmethod
    def set_first(
        cls,
        aggregate_id: Any,
        tenant_id: str,
        org_unit_id: str | None,
        cadence: str,
        reason: str | None,
        meta: dict[str, Any],
    ) -> Cadence:
        _check(cadence)
        return cls._create(
            cls.Set,
            id=aggregate_id,
            tenant_id=tenant_id,
            scope="org_unit" if org_unit_id else "tenant",
            org_unit_id=org_unit_id,
            cadence=cadence,
            reason=reason,
            meta=meta,
        )

    def change(self, cadence: str, reason: str | None, meta: dict[str, Any]) -> None:
        _check(cadence)
        if cadence == self.cadence:
            raise InvalidField("#/cadence", f"the cadence is already {cadence}")
        self._changed(
            scope=self.scope,
            org_unit_id=self.org_unit_id,
            cadence=cadence,
            reason=reason,
            meta=meta,
        )

    @event("Changed")
    def _changed(
        self,
        scope: str,
        org_unit_id: str | None,
        cadence: str,
        reason: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.cadence = cadence


def _check(cadence: str) -> None:
    if cadence not in CADENCES:
        raise InvalidField("#/cadence", f"must be one of {', '.join(CADENCES)}")


class ReminderLedger(Aggregate):
    """The reminders sent for one key result, so each goes out once per period, across restarts."""

    @event("Opened")
    def __init__(self, tenant_id: str, key_result_id: str) -> None:
        self.tenant_id = tenant_id
        self.key_result_id = key_result_id
        self.sent: list[str] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, key_result_id: str) -> ReminderLedger:
        return cls._create(
            cls.Opened, id=aggregate_id, tenant_id=tenant_id, key_result_id=key_result_id
        )

    def was_sent(self, kind: str, period: Period) -> bool:
        return f"{kind}@{period.start.isoformat()}" in self.sent

    def send(
        self,
        kind: str,
        period: Period,
        objective_id: str,
        owner_id: str,
        cadence: str,
        meta: dict[str, Any],
    ) -> None:
        """Records a due or overdue reminder for the period, unless it was sent already."""
        if self.was_sent(kind, period):
            return
        trigger = self._due_sent if kind == "due" else self._overdue_sent
        trigger(
            key_result_id=self.key_result_id,
            objective_id=objective_id,
            owner_id=owner_id,
            cadence=cadence,
            period_start=period.start.isoformat(),
            period_end=period.end.isoformat(),
            meta=meta,
        )

    @event("DueSent")
    def _due_sent(
        self,
        key_result_id: str,
        objective_id: str,
        owner_id: str,
        cadence: str,
        period_start: str,
        period_end: str,
        meta: dict[str, Any],
    ) -> None:
        self.sent = [*self.sent, f"due@{period_start}"]

    @event("OverdueSent")
    def _overdue_sent(
        self,
        key_result_id: str,
        objective_id: str,
        owner_id: str,
        cadence: str,
        period_start: str,
        period_end: str,
        meta: dict[str, Any],
    ) -> None:
        self.sent = [*self.sent, f"overdue@{period_start}"]
