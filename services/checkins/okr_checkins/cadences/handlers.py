"""Cadences of check-ins, and the due and overdue reminders they imply."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from okr_checkins import keys
from okr_checkins.cadences.commands import SetCadence
from okr_checkins.cadences.domain import (
    DEFAULT_CADENCE,
    Cadence,
    ReminderLedger,
    period_at,
    previous_period,
)
from okr_checkins.check_ins.domain import within
from okr_checkins.check_ins.handlers import CheckInHandlers
from okr_checkins.knowledge.domain import Doc, key_result_owner
from okr_checkins.knowledge.handlers import GoalKnowledge
from okr_checkins.knowledge.refusals import confirms_refusals
from okr_checkins.store import CheckinsStore
from okr_shared import access_facts
from okr_shared.clock import Clock
from okr_shared.errors import Forbidden, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class CadenceHandlers:
    """Sets cadences; sends each reminder once per period and key result."""

    def __init__(
        self,
        store: CheckinsStore,
        goals: GoalKnowledge,
        check_ins: CheckInHandlers,
        clock: Clock,
    ) -> None:
        self.store = store
        self.goals = goals
        self.check_ins = check_ins
        self.clock = clock

    @confirms_refusals
    def set_cadence(self, command: SetCadence, caller: Caller) -> Cadence:
        if not caller.is_admin:
            raise Forbidden("#/cadence", "only admins set cadences")
        if (
            command.org_unit_id
            and self.goals.knowledge.load(caller.tenant_id, "org_unit", command.org_unit_id)[1]
            is None
        ):
            self.goals.refuse(
                UnknownReference("#/org_unit_id", f"unknown org unit {command.org_unit_id}")
            )
        uid = keys.cadence_uuid(caller.tenant_id, command.org_unit_id or "tenant")
        cadence = self.store.find(Cadence, uid, caller.tenant_id)
        meta = event_meta(caller, self.clock.now())
        if cadence is None:
            cadence = Cadence.set_first(
                uid, caller.tenant_id, command.org_unit_id, command.cadence, command.reason, meta
            )
        else:
            cadence.change(command.cadence, command.reason, meta)
        self.store.save_or_conflict(cadence)
        return cadence

    def cadence_for(self, tenant_id: str, org_unit_id: str | None) -> str:
        """The nearest cadence set on the org unit or above it, else the tenant's, else weekly."""
        for unit in [
            *access_facts.unit_ancestry(self.goals.lookup(tenant_id), org_unit_id),
            "tenant",
        ]:
            cadence = self.store.find(Cadence, keys.cadence_uuid(tenant_id, unit), tenant_id)
            if cadence is not None:
                return cadence.cadence
        return DEFAULT_CADENCE

    def send_reminders(
        self, tenant_id: str | None = None, meta: dict[str, Any] | None = None
    ) -> int:
        """Records a due reminder for each open key result without a check-in in the current period,
        and an overdue one for the period just ended without one; each at most once per period.
        Covers every tenant the service knows, or only `tenant_id`."""
        now = self.clock.now()
        sent = 0
        knowledge = self.goals.knowledge
        for tenant, objective in knowledge.all_of("objective"):
            if tenant_id is not None and tenant != tenant_id:
                continue
            cycle = knowledge.load(tenant, "cycle", objective["cycle_id"])[1]
            if objective["status"] != "active" or cycle is None or cycle["state"] != "active":
                continue
            cadence = self.cadence_for(tenant, objective.get("org_unit_id"))
            starts, ends = (
                date.fromisoformat(cycle["starts_on"]),
                date.fromisoformat(cycle["ends_on"]),
            )
            current = period_at(cadence, starts, ends, now)
            if current is None:
                continue
            previous = previous_period(cadence, starts, ends, current)
            for key_result_id in objective["key_results"]:
                sent += self._remind(
                    tenant, objective, key_result_id, cadence, current, previous, now, meta
                )
        return sent

    def _remind(
        self,
        tenant_id: str,
        objective: Doc,
        key_result_id: str,
        cadence: str,
        current: Any,
        previous: Any,
        now: datetime,
        meta: dict[str, Any] | None,
    ) -> int:
        log = self.check_ins.log_of(tenant_id, key_result_id)
        check_ins = log.check_ins if log else []
        uid = keys.reminder_ledger_uuid(tenant_id, key_result_id)
        ledger = self.store.find(ReminderLedger, uid, tenant_id) or ReminderLedger.open(
            uid, tenant_id, key_result_id
        )
        owner = key_result_owner(objective, key_result_id) or objective["owner_id"]
        reminder_meta = meta or {
            "tenant_id": tenant_id,
            "actor_id": "okr-checkins-scheduler",
            "correlation_id": f"reminders-{now.isoformat()}",
            "causation_id": "scheduler",
            "traceparent": None,
        }
        reminder_meta = {**reminder_meta, "tenant_id": tenant_id, "at": now.isoformat()}
        if not within(check_ins, current.start, current.end):
            ledger.send("due", current, objective["objective_id"], owner, cadence, reminder_meta)
        if previous is not None and not within(check_ins, previous.start, previous.end):
            ledger.send(
                "overdue", previous, objective["objective_id"], owner, cadence, reminder_meta
            )
        fresh = [e for e in ledger.pending_events if not isinstance(e, ReminderLedger.Opened)]
        if not fresh:
            return 0
        try:
            self.store.save(ledger)
        except IntegrityError:
            return 0
        return len(fresh)
