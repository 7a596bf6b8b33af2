"""Check-ins and corrections of key results, and the bitemporal reads over them."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from okr_checkins import keys
from okr_checkins.check_ins import domain as rules
from okr_checkins.check_ins.commands import CorrectCheckIn, RecordCheckIn, Report
from okr_checkins.check_ins.domain import CheckIn, KeyResultClosed, KeyResultLog, known, value_at
from okr_checkins.knowledge import access
from okr_checkins.knowledge.domain import Doc
from okr_checkins.knowledge.handlers import GoalKnowledge
from okr_checkins.knowledge.refusals import confirms_refusals
from okr_checkins.store import CheckinsStore
from okr_shared.clock import Clock
from okr_shared.confidence import band
from okr_shared.errors import Forbidden, IdempotencyConflict, VersionConflict
from okr_shared.event_meta import Caller
from okr_shared.progress import key_result_progress
from okr_shared.service_store import event_meta

CONFLICT_ATTEMPTS = 3
"""How often a check-in is appended again after a concurrent check-in of its key result."""


@dataclass(frozen=True)
class Recorded:
    """A check-in recorded now, or found recorded by an earlier try of the request (`replayed`)."""

    check_in: CheckIn
    replayed: bool


class CheckInHandlers:
    """Check-ins of key results, known and effective times kept apart, nothing overwritten."""

    def __init__(self, store: CheckinsStore, goals: GoalKnowledge, clock: Clock) -> None:
        self.store = store
        self.goals = goals
        self.clock = clock
        self._turns = [threading.Lock() for _ in range(256)]

    def log_of(self, tenant_id: str, key_result_id: str) -> KeyResultLog | None:
        """The key result's check-in log, if it has one."""
        return self.store.find(
            KeyResultLog, keys.key_result_log_uuid(tenant_id, key_result_id), tenant_id
        )

    def _checked(
        self, caller: Caller, key_result_id: str, report: Report, pointer: str = "#"
    ) -> tuple[Doc, dict]:
        """Validates a report against the key result, its cycle and the caller's rights."""
        objective, kr = self.goals.key_result(caller, key_result_id, f"{pointer}/key_result_id")
        cycle = self.goals.knowledge.load(caller.tenant_id, "cycle", objective["cycle_id"])[1]
        try:
            rules.check_open(objective, cycle, f"{pointer}/key_result_id")
        except KeyResultClosed as exc:
            self.goals.refuse(exc)
        now = self.clock.now()
        value = rules.check_value(kr["kind"], report.value, f"{pointer}/value")
        confidence = rules.check_confidence(report.confidence, f"{pointer}/confidence")
        rules.check_note(report.note, list(report.blockers), pointer)
        effective = rules.check_effective_at(
            report.effective_at or now, cycle, now, f"{pointer}/effective_at"
        )
        lookup = self.goals.lookup(caller.tenant_id)
        if not access.may_check_in(lookup, caller, objective, key_result_id):
            self.goals.refuse(
                Forbidden(f"{pointer}/key_result_id", "you may not check in on this key result")
            )
        note = {part: report.note.get(part, "") for part in rules.NOTE_PARTS}
        seal = self.store.personal.seal_all
        return objective, {
            "key_result_id": key_result_id,
            "objective_id": objective["objective_id"],
            "value": value,
            "confidence": confidence,
            "confidence_band": band(confidence),
            "note": seal(caller.tenant_id, caller.actor_id, note),
            "blockers": seal(caller.tenant_id, caller.actor_id, list(report.blockers)),
            "effective_at": effective.isoformat(),
            "recorded_at": now.isoformat(),
            "actor_id": caller.actor_id,
        }

    def _log(self, caller: Caller, key_result_id: str, objective_id: str) -> KeyResultLog:
        uid = keys.key_result_log_uuid(caller.tenant_id, key_result_id)
        log = self.store.find(KeyResultLog, uid, caller.tenant_id)
        return log or KeyResultLog.open(uid, caller.tenant_id, key_result_id, objective_id)

    def _meta(self, caller: Caller) -> dict[str, Any]:
        return event_meta(caller, self.clock.now())

    @confirms_refusals
    def record_check_in(
        self,
        command: RecordCheckIn,
        caller: Caller,
        source: str = "manual",
        source_key: str | None = None,
        check_in_id: str | None = None,
    ) -> CheckIn:
        """Records a check-in (or, for a retried idempotent request, finds it) and returns it."""
        return self._record(command, caller, source, source_key, check_in_id).check_in

    @confirms_refusals
    def record(self, command: RecordCheckIn, caller: Caller) -> Recorded:
        """Records a manual check-in; with an idempotency key, a retry of the same request finds
        the check-in recorded first (`replayed`) and a different request under the key is an
        IdempotencyConflict. The check-in's id derives from tenant, caller, key result and key,
        so a key reused on another key result records there separately. The key itself is not
        stored: `source_key` is the integration's key in the published contract."""
        return self._record(command, caller, "manual", None, None)

    def _record(
        self,
        command: RecordCheckIn,
        caller: Caller,
        source: str,
        source_key: str | None,
        check_in_id: str | None,
    ) -> Recorded:
        objective, fields = self._checked(caller, command.key_result_id, command.report)
        key = command.idempotency_key
        if key:
            check_in_id = keys.repeatable_check_in_id(
                caller.tenant_id, caller.actor_id, command.key_result_id, key
            )
        check_in = {
            "check_in_id": check_in_id or str(uuid.uuid4()),
            "corrects": None,
            "reason": None,
            "source": source,
            "source_key": source_key,
            **fields,
        }
        meta = self._meta(caller)
        earlier: list[CheckIn] = []

        def record(log: KeyResultLog) -> None:
            found = log.holds(check_in["check_in_id"]) if key else None
            if found is None:
                log.record(check_in, meta)
                return
            opened = self.store.personal.opened(found)
            given = command.report.effective_at is not None
            if not rules.repeats(opened, self.store.personal.opened(check_in), given):
                raise IdempotencyConflict(
                    "the idempotency key was already used for a different check-in"
                )
            earlier.append(opened)

        self._append(caller, command.key_result_id, objective, record)
        if earlier:
            return Recorded(earlier[-1], replayed=True)
        return Recorded(self.store.personal.opened(check_in), replayed=False)

    @confirms_refusals
    def prepared_check_in(
        self,
        command: RecordCheckIn,
        caller: Caller,
        logs: dict[str, KeyResultLog | None],
        source_key: str,
        check_in_id: str,
    ) -> CheckIn:
        """An integration's check-in validated and added to its key result's log in `logs`
        (the logs loaded, by key result; None: it has none yet); the caller commits the logs."""
        objective, fields = self._checked(caller, command.key_result_id, command.report)
        log = logs.get(command.key_result_id) or self._log(
            caller, command.key_result_id, objective["objective_id"]
        )
        logs[command.key_result_id] = log
        check_in = {
            "check_in_id": check_in_id,
            "corrects": None,
            "reason": None,
            "source": "integration",
            "source_key": source_key,
            **fields,
        }
        log.record(check_in, self._meta(caller))
        return check_in

    def _append(
        self, caller: Caller, key_result_id: str, objective: Doc, append: Callable[[Any], None]
    ) -> None:
        """Appends to the key result's log and commits it with the commands arriving together
        (nothing to commit when `append` added nothing: a replay).
        Check-ins of one key result take turns in this process; one from elsewhere (another
        replica, the feed) in between makes it reload the log and append again (a check-in names
        no version it expects)."""
        uid = keys.key_result_log_uuid(caller.tenant_id, key_result_id)
        with self._turns[hash(uid) % len(self._turns)]:
            for attempt in range(1, CONFLICT_ATTEMPTS + 1):
                log = self._log(caller, key_result_id, objective["objective_id"])
                append(log)
                if not log.pending_events:
                    return
                try:
                    self.store.commit(log)
                    return
                except VersionConflict:
                    if attempt == CONFLICT_ATTEMPTS:
                        raise

    @confirms_refusals
    def correct_check_in(self, command: CorrectCheckIn, caller: Caller) -> CheckIn:
        """A new check-in that replaces an earlier one from now on; the earlier one stays in
        history."""
        objective, fields = self._checked(caller, command.key_result_id, command.report)
        check_in = {
            "check_in_id": str(uuid.uuid4()),
            "corrects": command.corrects,
            "reason": command.reason,
            "source": "manual",
            "source_key": None,
            **fields,
        }
        meta = self._meta(caller)

        def correct(log: KeyResultLog) -> None:
            if command.report.effective_at is None:
                check_in["effective_at"] = next(
                    (
                        c["effective_at"]
                        for c in log.check_ins
                        if c["check_in_id"] == command.corrects
                    ),
                    fields["effective_at"],
                )
            log.correct(check_in, meta)

        self._append(caller, command.key_result_id, objective, correct)
        return self.store.personal.opened(check_in)

    @confirms_refusals
    def history(
        self, caller: Caller, key_result_id: str, known_at: datetime | None = None
    ) -> list[CheckIn]:
        """The check-ins known at `known_at` (all when None), each marked with what replaced it."""
        self.goals.key_result(caller, key_result_id)
        log = self.log_of(caller.tenant_id, key_result_id)
        seen = known(log.check_ins if log else [], known_at)
        replaced_by = {c["corrects"]: c["check_in_id"] for c in seen if c.get("corrects")}
        found = [{**c, "replaced_by": replaced_by.get(c["check_in_id"])} for c in seen]
        return self.store.personal.opened(found)

    @confirms_refusals
    def value(
        self,
        caller: Caller,
        key_result_id: str,
        effective_at: datetime | None = None,
        known_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The key result's value at `effective_at` as the platform knew it at `known_at`, with its
        progress."""
        _, kr = self.goals.key_result(caller, key_result_id)
        log = self.log_of(caller.tenant_id, key_result_id)
        found = value_at(log.check_ins if log else [], effective_at, known_at)
        current = found["value"] if found else None
        return {
            "key_result_id": key_result_id,
            "effective_at": effective_at.isoformat() if effective_at else None,
            "known_at": known_at.isoformat() if known_at else None,
            "check_in": self.store.personal.opened(found),
            "value": current,
            "progress": key_result_progress(kr, current),
        }
