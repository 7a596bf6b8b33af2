"""Who is reminded to grade, and when: pure rules over a review's facts, and the ledger that sends
each reminder once.

- Periods count from the moment grading opened: `period_days` long while the grading window
  (`window_days` after grading opened) lasts, the last one cut at the window's end (`due_by`);
  after it, overdue periods of `period_days` count from `due_by`.
- Owners: each person answerable for a key result (the handler asks who may self-score it) who
  has not self-scored it gets a `GradingDue` per period while the window lasts, a
  `GradingOverdue` per period after it, naming those key results.
- Managers: the direct manager (`manager_id`) of such an owner gets a `GradingDue` per period for
  the key results awaiting their look: without a manager score and either self-scored by the
  owner or, once the window is past, not self-scored either. A manager is never reminded about
  their own key results as a manager.
- Nothing for a finalised review, nothing to or about people who left (an owner who left is not
  reminded; their manager still is, once the window is past).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from okr_shared.contracts import vocabulary

ROLES = vocabulary.GRADING_REMINDER_ROLES
OWNER, MANAGER = vocabulary.choose(ROLES, "owner", "manager")
DUE, OVERDUE = "due", "overdue"
_NAMESPACE = UUID("5f0c2d7e-8a41-4b93-9e6d-1c7a3b2f4e85")


def ledger_uuid(tenant_id: str, review_id: str) -> UUID:
    """The grading reminder ledger of one review."""
    return uuid5(_NAMESPACE, f"{tenant_id}\x00grading-reminders\x00{review_id}")


@dataclass(frozen=True)
class Schedule:
    """How often grading reminders go out, and how long owners have to self-score."""

    period_days: int = 7
    window_days: int = 14

    def __post_init__(self) -> None:
        if self.period_days < 1 or self.window_days < 0:
            raise ValueError("the period is at least a day and the window not negative")


@dataclass(frozen=True)
class Period:
    """One reminder period [start, end): `due` within the grading window, `overdue` after it."""

    kind: str
    start: datetime
    end: datetime
    due_by: datetime


def period_at(schedule: Schedule, opened_at: datetime, now: datetime) -> Period | None:
    """The reminder period containing `now`, or None before grading opened."""
    if now < opened_at:
        return None
    length = timedelta(days=schedule.period_days)
    due_by = opened_at + timedelta(days=schedule.window_days)
    if now < due_by:
        start = opened_at + length * ((now - opened_at) // length)
        return Period(DUE, start, min(start + length, due_by), due_by)
    start = due_by + length * ((now - due_by) // length)
    return Period(OVERDUE, start, start + length, due_by)


@dataclass(frozen=True)
class KeyResultFacts:
    """What the rule needs of a key result: who may self-score it, and the kinds of its scores."""

    key_result_id: str
    owners: tuple[str, ...]
    self_scored: bool
    manager_scored: bool


@dataclass(frozen=True)
class Person:
    active: bool
    manager_id: str | None


@dataclass(frozen=True)
class Reminder:
    """One reminder to send: to `person_id` in `role`, about these key results of the review."""

    person_id: str
    role: str
    kind: str
    key_result_ids: tuple[str, ...]
    period: Period


def reminders_due(
    period: Period,
    key_results: Sequence[KeyResultFacts],
    people: Mapping[str, Person],
    finalised: bool,
) -> list[Reminder]:
    """The reminders a review calls for in the period, by person and role."""
    if finalised:
        return []
    owed: dict[tuple[str, str], list[str]] = {}

    def add(person_id: str | None, role: str, key_result_id: str) -> None:
        person = people.get(person_id) if person_id else None
        if person is not None and person.active:
            owed.setdefault((person_id, role), []).append(key_result_id)

    window_past = period.kind == OVERDUE
    for kr in key_results:
        if not kr.self_scored:
            for owner in kr.owners:
                add(owner, OWNER, kr.key_result_id)
        if kr.manager_scored or not (kr.self_scored or window_past):
            continue
        for manager in sorted({_manager_of(people, o) for o in kr.owners} - {None}):
            if manager not in kr.owners:
                add(manager, MANAGER, kr.key_result_id)
    return [
        Reminder(person_id, role, period.kind if role == OWNER else DUE, tuple(ids), period)
        for (person_id, role), ids in sorted(owed.items())
    ]


def _manager_of(people: Mapping[str, Person], person_id: str) -> str | None:
    person = people.get(person_id)
    return person.manager_id if person else None


class GradingReminderLedger(Aggregate):
    """The grading reminders sent about one review, so each (person, role, kind, period) goes out
    once, across restarts and replicas."""

    @event("Opened")
    def __init__(self, tenant_id: str, review_id: str, cycle_id: str, objective_id: str) -> None:
        self.tenant_id = tenant_id
        self.review_id = review_id
        self.cycle_id = cycle_id
        self.objective_id = objective_id
        self.sent: list[str] = []

    @classmethod
    def open(
        cls, aggregate_id: Any, tenant_id: str, review_id: str, cycle_id: str, objective_id: str
    ) -> GradingReminderLedger:
        return cls._create(
            cls.Opened,
            id=aggregate_id,
            tenant_id=tenant_id,
            review_id=review_id,
            cycle_id=cycle_id,
            objective_id=objective_id,
        )

    @staticmethod
    def entry(person_id: str, role: str, kind: str, period_start: str) -> str:
        return f"{person_id}\x00{role}\x00{kind}\x00{period_start}"

    def was_sent(self, reminder: Reminder) -> bool:
        start = reminder.period.start.isoformat()
        return self.entry(reminder.person_id, reminder.role, reminder.kind, start) in self.sent

    def send(self, reminder: Reminder, meta: dict[str, Any]) -> bool:
        """Records the reminder unless it was sent already; whether it was recorded."""
        if self.was_sent(reminder):
            return False
        trigger = self._due_sent if reminder.kind == DUE else self._overdue_sent
        trigger(
            review_id=self.review_id,
            cycle_id=self.cycle_id,
            objective_id=self.objective_id,
            person_id=reminder.person_id,
            role=reminder.role,
            key_result_ids=list(reminder.key_result_ids),
            period_start=reminder.period.start.isoformat(),
            period_end=reminder.period.end.isoformat(),
            due_by=reminder.period.due_by.isoformat(),
            meta=meta,
        )
        return True

    def _record(self, person_id: str, role: str, kind: str, period_start: str) -> None:
        self.sent = [*self.sent, self.entry(person_id, role, kind, period_start)]

    @event("DueSent")
    def _due_sent(
        self,
        review_id: str,
        cycle_id: str,
        objective_id: str,
        person_id: str,
        role: str,
        key_result_ids: list[str],
        period_start: str,
        period_end: str,
        due_by: str,
        meta: dict[str, Any],
    ) -> None:
        self._record(person_id, role, DUE, period_start)

    @event("OverdueSent")
    def _overdue_sent(
        self,
        review_id: str,
        cycle_id: str,
        objective_id: str,
        person_id: str,
        role: str,
        key_result_ids: list[str],
        period_start: str,
        period_end: str,
        due_by: str,
        meta: dict[str, Any],
    ) -> None:
        self._record(person_id, role, OVERDUE, period_start)
