"""The check-in application: check-ins and corrections, the integration feed, cadences and reminders,
conversations and feedback, all event-sourced on the service's own store. Check-in events are
checked against their published contracts before they are stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NoReturn, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from okr_checkins import keys, stored_topics  # noqa: F401 (old topics of stored events)
from okr_checkins.cadences.commands import SetCadence
from okr_checkins.cadences.domain import (
    DEFAULT_CADENCE,
    Cadence,
    ReminderLedger,
    period_at,
    previous_period,
)
from okr_checkins.check_ins import domain as rules
from okr_checkins.check_ins.commands import CorrectCheckIn, RecordCheckIn, Report
from okr_checkins.check_ins.domain import (
    CheckIn,
    KeyResultClosed,
    KeyResultLog,
    known,
    value_at,
    within,
)
from okr_checkins.clock import Clock, SystemClock
from okr_checkins.contracts import published_form
from okr_checkins.conversations.commands import StartConversation
from okr_checkins.conversations.domain import Conversation, ConversationNotFound
from okr_checkins.errors import KeyResultNotFound, ObjectiveNotFound
from okr_checkins.feed.commands import FeedItem, FeedResult
from okr_checkins.feedback.commands import GiveFeedback
from okr_checkins.feedback.domain import FeedbackThread
from okr_checkins.knowledge import access
from okr_checkins.knowledge.domain import Doc, key_result_owner
from okr_checkins.knowledge.freshness import AlwaysCurrent, KnowledgeFreshness
from okr_checkins.knowledge.refusals import _REFUSALS_FINAL, _Unconfirmed, confirms_refusals
from okr_checkins.knowledge.store import KnowledgeStore
from okr_shared.cloudevents import CloudEvent
from okr_shared.confidence import band
from okr_shared.contracts import default_registry
from okr_shared.contracts.guard import ContractCheckedSave
from okr_shared.errors import DomainError, Forbidden, UnknownReference, VersionConflict
from okr_shared.event_meta import Caller
from okr_shared.progress import key_result_progress

A = TypeVar("A", bound=Aggregate)


class PublishedContractCheck(ContractCheckedSave):
    """`save` maps each pending event as the relay will; a violation refuses the command (422)."""

    _published_form = staticmethod(published_form(default_registry()))

    def published_form(self, domain_event: Any, first: Callable[[Any], Any]) -> CloudEvent | None:
        return self._published_form(domain_event, first)


class CheckinsApplication(PublishedContractCheck, Application[UUID]):
    """Check-ins of key results, known and effective times kept apart, nothing overwritten."""

    name = "checkins"
    snapshotting_intervals = {
        KeyResultLog: 100,
        ReminderLedger: 100,
        Conversation: 100,
        FeedbackThread: 100,
    }

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        knowledge: KnowledgeStore,
        clock: Clock | None = None,
        freshness: KnowledgeFreshness | None = None,
    ) -> None:
        super().__init__(env)
        self.knowledge = knowledge
        self.clock = clock or SystemClock()
        self.freshness = freshness or AlwaysCurrent()

    # ---- lookups

    def lookup(self, tenant_id: str):
        return lambda kind, key: self.knowledge.load(tenant_id, kind, key)[1]

    def _find(self, kind: type[A], aggregate_id: UUID, tenant_id: str) -> A | None:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return (
            aggregate if isinstance(aggregate, kind) and aggregate.tenant_id == tenant_id else None
        )

    def _refuse(self, refusal: DomainError) -> NoReturn:
        """Raises a refusal resting on goal knowledge: final on a read made once that knowledge
        was known current, else to be confirmed (see `confirms_refusals`)."""
        if _REFUSALS_FINAL.get():
            raise refusal
        raise _Unconfirmed(refusal)

    def key_result(
        self, caller: Caller, key_result_id: str, pointer: str | None = None
    ) -> tuple[Doc, Doc]:
        """The objective and key result as this service knows them; unknown or hidden ones do not
        exist: a body field at `pointer` is an unknown reference, a path id (None) is not found."""
        index = self.knowledge.load(caller.tenant_id, "key_result", key_result_id)[1]
        objective = (
            self.knowledge.load(caller.tenant_id, "objective", index["objective_id"])[1]
            if index
            else None
        )
        if (
            objective is None
            or key_result_id not in objective["key_results"]
            or not (
                access.may_see_key_result(
                    self.lookup(caller.tenant_id), caller, objective, key_result_id
                )
            )
        ):
            self._refuse(
                UnknownReference(pointer, f"unknown key result {key_result_id}")
                if pointer
                else KeyResultNotFound(key_result_id)
            )
        return objective, objective["key_results"][key_result_id]

    def _meta(self, caller: Caller) -> dict[str, Any]:
        return {**caller.meta.as_dict(), "at": self.clock.now().isoformat()}

    # ---- check-ins

    def _checked(
        self, caller: Caller, key_result_id: str, report: Report, pointer: str = "#"
    ) -> tuple[Doc, dict]:
        """Validates a report against the key result, its cycle and the caller's rights."""
        objective, kr = self.key_result(caller, key_result_id, f"{pointer}/key_result_id")
        cycle = self.knowledge.load(caller.tenant_id, "cycle", objective["cycle_id"])[1]
        try:
            rules.check_open(objective, cycle, f"{pointer}/key_result_id")
        except KeyResultClosed as exc:
            self._refuse(exc)
        now = self.clock.now()
        value = rules.check_value(kr["kind"], report.value, f"{pointer}/value")
        confidence = rules.check_confidence(report.confidence, f"{pointer}/confidence")
        rules.check_note(report.note, list(report.blockers), pointer)
        effective = rules.check_effective_at(
            report.effective_at or now, cycle, now, f"{pointer}/effective_at"
        )
        if not access.may_check_in(self.lookup(caller.tenant_id), caller, objective, key_result_id):
            self._refuse(
                Forbidden(f"{pointer}/key_result_id", "you may not check in on this key result")
            )
        note = {part: report.note.get(part, "") for part in rules.NOTE_PARTS}
        return objective, {
            "key_result_id": key_result_id,
            "objective_id": objective["objective_id"],
            "value": value,
            "confidence": confidence,
            "confidence_band": band(confidence),
            "note": note,
            "blockers": list(report.blockers),
            "effective_at": effective.isoformat(),
            "recorded_at": now.isoformat(),
            "actor_id": caller.actor_id,
        }

    def _log(self, caller: Caller, key_result_id: str, objective_id: str) -> KeyResultLog:
        uid = keys.key_result_log_uuid(caller.tenant_id, key_result_id)
        log = self._find(KeyResultLog, uid, caller.tenant_id)
        return log or KeyResultLog.open(uid, caller.tenant_id, key_result_id, objective_id)

    def _save(self, *aggregates: Aggregate) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError as exc:
            raise VersionConflict(0, None) from exc

    @confirms_refusals
    def record_check_in(
        self,
        command: RecordCheckIn,
        caller: Caller,
        source: str = "manual",
        source_key: str | None = None,
        check_in_id: str | None = None,
    ) -> CheckIn:
        objective, fields = self._checked(caller, command.key_result_id, command.report)
        log = self._log(caller, command.key_result_id, objective["objective_id"])
        check_in = {
            "check_in_id": check_in_id or str(uuid.uuid4()),
            "corrects": None,
            "reason": None,
            "source": source,
            "source_key": source_key,
            **fields,
        }
        log.record(check_in, self._meta(caller))
        self._save(log)
        return check_in

    @confirms_refusals
    def correct_check_in(self, command: CorrectCheckIn, caller: Caller) -> CheckIn:
        """A new check-in that replaces an earlier one from now on; the earlier one stays in history."""
        objective, fields = self._checked(caller, command.key_result_id, command.report)
        log = self._log(caller, command.key_result_id, objective["objective_id"])
        if command.report.effective_at is None:
            fields["effective_at"] = next(
                (c["effective_at"] for c in log.check_ins if c["check_in_id"] == command.corrects),
                fields["effective_at"],
            )
        check_in = {
            "check_in_id": str(uuid.uuid4()),
            "corrects": command.corrects,
            "reason": command.reason,
            "source": "manual",
            "source_key": None,
            **fields,
        }
        log.correct(check_in, self._meta(caller))
        self._save(log)
        return check_in

    def feed(self, items: list[FeedItem], caller: Caller) -> list[FeedResult]:
        """Values from an integration, one idempotency key per item; a retried batch records nothing twice."""
        if not caller.roles & {"admin", "integration"}:
            raise Forbidden("#", "the feed is for integrations (role integration) and admins")
        results = []
        for i, item in enumerate(items):
            check_in_id = keys.integration_check_in_id(caller.tenant_id, item.source_key)
            try:
                existing = self._existing(caller, item)
                if existing is not None:
                    results.append(
                        FeedResult(i, item.source_key, "duplicate", existing["check_in_id"])
                    )
                    continue
                self.record_check_in(
                    RecordCheckIn(item.key_result_id, item.report),
                    caller,
                    "integration",
                    item.source_key,
                    check_in_id,
                )
                results.append(FeedResult(i, item.source_key, "recorded", check_in_id))
            except DomainError as exc:
                field = getattr(exc, "field", "#")
                results.append(
                    FeedResult(
                        i,
                        item.source_key,
                        "rejected",
                        problem={
                            "status": exc.status,
                            "title": exc.title,
                            "pointer": f"#/items/{i}{field[1:]}"
                            if field.startswith("#")
                            else field,
                            "detail": str(exc),
                        },
                    )
                )
        return results

    def _existing(self, caller: Caller, item: FeedItem) -> CheckIn | None:
        index = self.knowledge.load(caller.tenant_id, "key_result", item.key_result_id)[1]
        if index is None:
            return None
        log = self._find(
            KeyResultLog,
            keys.key_result_log_uuid(caller.tenant_id, item.key_result_id),
            caller.tenant_id,
        )
        return log.by_source_key(item.source_key) if log else None

    @confirms_refusals
    def history(
        self, caller: Caller, key_result_id: str, known_at: datetime | None = None
    ) -> list[CheckIn]:
        """The check-ins known at `known_at` (all when None), each marked with what replaced it."""
        self.key_result(caller, key_result_id)
        log = self._find(
            KeyResultLog,
            keys.key_result_log_uuid(caller.tenant_id, key_result_id),
            caller.tenant_id,
        )
        seen = known(log.check_ins if log else [], known_at)
        replaced_by = {c["corrects"]: c["check_in_id"] for c in seen if c.get("corrects")}
        return [{**c, "replaced_by": replaced_by.get(c["check_in_id"])} for c in seen]

    @confirms_refusals
    def value(
        self,
        caller: Caller,
        key_result_id: str,
        effective_at: datetime | None = None,
        known_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The key result's value at `effective_at` as the platform knew it at `known_at`, with its progress."""
        _, kr = self.key_result(caller, key_result_id)
        log = self._find(
            KeyResultLog,
            keys.key_result_log_uuid(caller.tenant_id, key_result_id),
            caller.tenant_id,
        )
        found = value_at(log.check_ins if log else [], effective_at, known_at)
        current = found["value"] if found else None
        return {
            "key_result_id": key_result_id,
            "effective_at": effective_at.isoformat() if effective_at else None,
            "known_at": known_at.isoformat() if known_at else None,
            "check_in": found,
            "value": current,
            "progress": key_result_progress(kr, current),
        }

    # ---- cadence and reminders

    @confirms_refusals
    def set_cadence(self, command: SetCadence, caller: Caller) -> Cadence:
        if not caller.is_admin:
            raise Forbidden("#/cadence", "only admins set cadences")
        if (
            command.org_unit_id
            and self.knowledge.load(caller.tenant_id, "org_unit", command.org_unit_id)[1] is None
        ):
            self._refuse(
                UnknownReference("#/org_unit_id", f"unknown org unit {command.org_unit_id}")
            )
        uid = keys.cadence_uuid(caller.tenant_id, command.org_unit_id or "tenant")
        cadence = self._find(Cadence, uid, caller.tenant_id)
        if cadence is None:
            cadence = Cadence.set_first(
                uid,
                caller.tenant_id,
                command.org_unit_id,
                command.cadence,
                command.reason,
                self._meta(caller),
            )
        else:
            cadence.change(command.cadence, command.reason, self._meta(caller))
        self._save(cadence)
        return cadence

    def cadence_for(self, tenant_id: str, org_unit_id: str | None) -> str:
        """The nearest cadence set on the org unit or above it, else the tenant's, else weekly."""
        for unit in [*access.unit_ancestry(self.lookup(tenant_id), org_unit_id), "tenant"]:
            cadence = self._find(Cadence, keys.cadence_uuid(tenant_id, unit), tenant_id)
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
        for tenant, objective in self.knowledge.all_of("objective"):
            if tenant_id is not None and tenant != tenant_id:
                continue
            cycle = self.knowledge.load(tenant, "cycle", objective["cycle_id"])[1]
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
        log = self._find(
            KeyResultLog, keys.key_result_log_uuid(tenant_id, key_result_id), tenant_id
        )
        check_ins = log.check_ins if log else []
        uid = keys.reminder_ledger_uuid(tenant_id, key_result_id)
        ledger = self._find(ReminderLedger, uid, tenant_id) or ReminderLedger.open(
            uid, tenant_id, key_result_id
        )
        owner = key_result_owner(objective, key_result_id) or objective["owner_id"]
        event_meta = meta or {
            "tenant_id": tenant_id,
            "actor_id": "okr-checkins-scheduler",
            "correlation_id": f"reminders-{now.isoformat()}",
            "causation_id": "scheduler",
            "traceparent": None,
        }
        event_meta = {**event_meta, "tenant_id": tenant_id, "at": now.isoformat()}
        if not within(check_ins, current.start, current.end):
            ledger.send("due", current, objective["objective_id"], owner, cadence, event_meta)
        if previous is not None and not within(check_ins, previous.start, previous.end):
            ledger.send("overdue", previous, objective["objective_id"], owner, cadence, event_meta)
        fresh = [e for e in ledger.pending_events if not isinstance(e, ReminderLedger.Opened)]
        if not fresh:
            return 0
        try:
            self.save(ledger)
        except IntegrityError:
            return 0
        return len(fresh)

    # ---- conversations and feedback

    @confirms_refusals
    def start_conversation(self, command: StartConversation, caller: Caller) -> Conversation:
        lookup = self.lookup(caller.tenant_id)
        person = lookup("person", command.person_id)
        if person is None or not person.get("active"):
            self._refuse(UnknownReference("#/person_id", f"unknown person {command.person_id}"))
        manager_id = command.manager_id or person.get("manager_id")
        if not manager_id or manager_id not in access.manager_chain(lookup, command.person_id):
            self._refuse(
                UnknownReference(
                    "#/manager_id", f"{manager_id} is not a manager of {command.person_id}"
                )
            )
        if caller.actor_id not in (command.person_id, manager_id) and not caller.is_admin:
            raise Forbidden("#/person_id", "one-to-one conversations are started by one of the two")
        conversation = Conversation.start(
            uuid.uuid4(),
            caller.tenant_id,
            command.person_id,
            manager_id,
            command.topic,
            self._meta(caller),
        )
        self._save(conversation)
        return conversation

    def conversation(self, caller: Caller, conversation_id: str) -> Conversation:
        try:
            uid = UUID(conversation_id)
        except ValueError:
            raise ConversationNotFound(conversation_id) from None
        conversation = self._find(Conversation, uid, caller.tenant_id)
        if conversation is None or (
            caller.actor_id not in conversation.participants and not caller.is_admin
        ):
            raise ConversationNotFound(conversation_id)
        return conversation

    def post_message(self, caller: Caller, conversation_id: str, text: str) -> Conversation:
        conversation = self.conversation(caller, conversation_id)
        conversation.post(str(uuid.uuid4()), caller.actor_id, text, self._meta(caller))
        self._save(conversation)
        return conversation

    def _objective(self, caller: Caller, objective_id: str) -> Doc:
        objective = self.knowledge.load(caller.tenant_id, "objective", objective_id)[1]
        if objective is None or not access.may_read(
            self.lookup(caller.tenant_id), caller, objective
        ):
            self._refuse(ObjectiveNotFound(objective_id))
        return objective

    @confirms_refusals
    def give_feedback(self, command: GiveFeedback, caller: Caller) -> dict[str, Any]:
        objective = self._objective(caller, command.objective_id)
        if (
            command.key_result_id is not None
            and command.key_result_id not in objective["key_results"]
        ):
            self._refuse(
                UnknownReference(
                    "#/key_result_id", f"the objective has no key result {command.key_result_id}"
                )
            )
        uid = keys.feedback_uuid(caller.tenant_id, command.objective_id)
        thread = self._find(FeedbackThread, uid, caller.tenant_id) or FeedbackThread.open(
            uid, caller.tenant_id, command.objective_id
        )
        feedback_id = str(uuid.uuid4())
        thread.give(
            feedback_id,
            command.key_result_id,
            command.kind,
            command.text,
            caller.actor_id,
            self._meta(caller),
        )
        self._save(thread)
        return thread.items[-1]

    @confirms_refusals
    def feedback(self, caller: Caller, objective_id: str) -> list[dict[str, Any]]:
        self._objective(caller, objective_id)
        thread = self._find(
            FeedbackThread, keys.feedback_uuid(caller.tenant_id, objective_id), caller.tenant_id
        )
        return list(thread.items) if thread else []
