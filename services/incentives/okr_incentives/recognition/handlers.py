"""Recognition: the tenant's settings, kudos, nominations and their decisions, a person's
recognition, and streak badges kept up to date after each check-in fact learned.

Visibility: a kudos shows only to those who may read its goal (`okr_shared.access`); approved
honours and badges show to everyone in the tenant; a pending or declined nomination to its
nominator, to those who may decide it, to admins and auditors.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from okr_incentives import keys
from okr_incentives.knowledge.domain import Doc
from okr_incentives.knowledge.handlers import Knowledge
from okr_incentives.knowledge.refusals import confirms_refusals
from okr_incentives.recognition import streaks
from okr_incentives.recognition.commands import Decide, GiveKudos, Nominate, SetRecognitionSettings
from okr_incentives.recognition.domain import (
    APPROVED,
    DEFAULTS,
    PERSON_NOMINEE,
    CycleRecognition,
    NominationNotFound,
    PersonBadges,
    RecognitionSettings,
    check_honour,
    recipient_of,
)
from okr_incentives.store import IncentivesStore
from okr_shared import access
from okr_shared.access_facts import actor_of, manager_chain, may_read, unit_ancestry
from okr_shared.clock import Clock
from okr_shared.errors import Conflict, Forbidden, InvalidField, NotFound, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta

KUDOS_CONTENT = ("giver_id", "recipient_id", "objective_id", "key_result_id", "points", "message")
NOMINATION_CONTENT = ("nominee_type", "nominee_id", "honour", "citation", "nominated_by")


def _text(value: str, pointer: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidField(pointer, "must not be blank")
    return text


def _same(found: Doc, wanted: Doc, fields: tuple[str, ...], pointer: str) -> Doc:
    """A retry with the same id: the recorded item if it says the same, else a conflict."""
    if any(found[k] != wanted[k] for k in fields):
        raise Conflict(pointer, "was used for something else already")
    return found


class RecognitionHandlers:
    """Kudos, nominations and badges over the store, asking the knowledge about goals and the
    directory."""

    def __init__(self, store: IncentivesStore, knowledge: Knowledge, clock: Clock) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock

    # ---- settings

    def _settings(self, tenant_id: str) -> RecognitionSettings | None:
        uid = keys.recognition_settings_uuid(tenant_id)
        return self.store.find(RecognitionSettings, uid, tenant_id)

    def settings_of(self, tenant_id: str) -> Doc:
        """The current settings with their version (0: the defaults, never set)."""
        found = self._settings(tenant_id)
        version = len(found.versions) if found else 0
        current = found.current if found else copy.deepcopy(DEFAULTS)
        return {"version": version, **current}

    def settings(self, caller: Caller) -> Doc:
        return self.settings_of(caller.tenant_id)

    def set_settings(self, command: SetRecognitionSettings, caller: Caller) -> Doc:
        """Stores a new version of the tenant's settings; admins only."""
        if not caller.is_admin:
            raise Forbidden("#", "only an admin sets the recognition settings")
        tenant = caller.tenant_id
        found = self._settings(tenant) or RecognitionSettings.open(
            keys.recognition_settings_uuid(tenant), tenant
        )
        reason = (command.reason or "").strip() or None
        found.set_settings(command.settings, reason, event_meta(caller, self.clock.now()))
        self.store.save_or_conflict(found)
        return self.settings_of(tenant)

    # ---- kudos

    def _cycle(self, tenant_id: str, cycle_id: str) -> CycleRecognition:
        uid = keys.cycle_recognition_uuid(tenant_id, cycle_id)
        found = self.store.find(CycleRecognition, uid, tenant_id)
        return found or CycleRecognition.open(uid, tenant_id, cycle_id)

    def _readable_goal(self, caller: Caller, objective_id: str) -> Doc:
        """The objective if the caller may read it; else, unknown or invisible alike, refused."""
        objective = self.knowledge.objective(caller.tenant_id, objective_id)
        lookup = self.knowledge.lookup(caller.tenant_id)
        if objective is None or not may_read(lookup, caller, objective):
            self.knowledge.refuse(UnknownReference("#/objective_id", "no such objective"))
        return objective

    @confirms_refusals
    def give_kudos(self, command: GiveKudos, caller: Caller) -> Doc:
        """Records kudos from the caller's budget of the goal's cycle; the same `kudos_id` again
        answers the kudos recorded and stores nothing."""
        if not access.holds_position(caller.roles):
            raise Forbidden("#", "only a person gives kudos")
        message = _text(command.message, "#/message")
        message = self.store.personal.seal(caller.tenant_id, caller.actor_id, message)
        objective = self._readable_goal(caller, command.objective_id)
        if command.key_result_id is not None and command.key_result_id not in (
            objective.get("key_results") or {}
        ):
            self.knowledge.refuse(
                UnknownReference("#/key_result_id", "no such key result of the objective")
            )
        try:
            recipient = recipient_of(
                objective, command.key_result_id, command.recipient_id, caller.actor_id
            )
        except InvalidField as refusal:
            self.knowledge.refuse(refusal)
        person = self.knowledge.person(caller.tenant_id, recipient)
        if person is None or not person["active"]:
            self.knowledge.refuse(InvalidField("#/recipient_id", "is not an active person"))
        kudos = {
            "kudos_id": command.kudos_id or str(uuid.uuid4()),
            "giver_id": caller.actor_id,
            "recipient_id": recipient,
            "objective_id": command.objective_id,
            "key_result_id": command.key_result_id,
            "points": command.points,
            "message": message,
        }
        cycle = self._cycle(caller.tenant_id, objective["cycle_id"])
        if kudos["kudos_id"] in cycle.kudos:
            found = _same(cycle.kudos[kudos["kudos_id"]], kudos, KUDOS_CONTENT, "#/kudos_id")
            return self.store.personal.opened(found)
        budget = self.settings_of(caller.tenant_id)["kudos_budget"]
        cycle.give(kudos, budget, event_meta(caller, self.clock.now()))
        self.store.save_or_conflict(cycle)
        return self.store.personal.opened(
            {**cycle.kudos[kudos["kudos_id"]], "cycle_id": cycle.cycle_id}
        )

    # ---- nominations

    def _nominee_line(self, tenant_id: str, record: Doc) -> list[str]:
        """The nominee's unit (a person's, or the team itself) and every unit above it."""
        lookup = self.knowledge.lookup(tenant_id)
        if record["nominee_type"] == PERSON_NOMINEE:
            person = self.knowledge.person(tenant_id, record["nominee_id"]) or {}
            return unit_ancestry(lookup, person.get("org_unit_id"))
        return unit_ancestry(lookup, record["nominee_id"])

    def _is_nominee(self, actor: access.Actor, record: Doc) -> bool:
        """Whether the actor is the nominee, or one of the team nominated (or a unit below)."""
        if record["nominee_type"] == PERSON_NOMINEE:
            return actor.person_id == record["nominee_id"]
        return record["nominee_id"] in actor.unit_line

    def _may_decide(self, caller: Caller, actor: access.Actor, record: Doc) -> bool:
        if access.ADMIN in caller.roles:
            return True
        if access.LEADER not in caller.roles or not access.holds_position(caller.roles):
            return False
        return bool(actor.unit_line) and actor.unit_line[0] in self._nominee_line(
            caller.tenant_id, record
        )

    def _may_nominate(self, caller: Caller, command: Nominate) -> bool:
        if caller.is_admin:
            return True
        lookup = self.knowledge.lookup(caller.tenant_id)
        if command.nominee_type == PERSON_NOMINEE:
            return caller.actor_id in manager_chain(lookup, command.nominee_id)
        return any(
            caller.actor_id in manager_chain(lookup, member)
            for member in self.knowledge.members_of(caller.tenant_id, command.nominee_id)
        )

    def _check_nominee(self, caller: Caller, command: Nominate) -> None:
        tenant = caller.tenant_id
        if command.nominee_type == PERSON_NOMINEE:
            person = self.knowledge.person(tenant, command.nominee_id)
            if person is None or not person["active"]:
                self.knowledge.refuse(UnknownReference("#/nominee_id", "no such active person"))
        elif self.knowledge.org_unit(tenant, command.nominee_id) is None:
            self.knowledge.refuse(UnknownReference("#/nominee_id", "no such org unit"))
        actor = actor_of(self.knowledge.lookup(tenant), caller)
        nominee = {"nominee_type": command.nominee_type, "nominee_id": command.nominee_id}
        if self._is_nominee(actor, nominee):
            self.knowledge.refuse(InvalidField("#/nominee_id", "nobody nominates themselves"))
        if not self._may_nominate(caller, command):
            self.knowledge.refuse(
                Forbidden("#/nominee_id", "only someone above the nominee nominates them")
            )

    @confirms_refusals
    def nominate(self, command: Nominate, caller: Caller) -> Doc:
        """Records a nomination; the same `nomination_id` again answers the one recorded."""
        if not access.holds_position(caller.roles):
            raise Forbidden("#", "only a person nominates")
        honour = check_honour(self.settings_of(caller.tenant_id), command.honour)
        citation = _text(command.citation, "#/citation")
        if self.knowledge.cycle(caller.tenant_id, command.cycle_id) is None:
            self.knowledge.refuse(UnknownReference("#/cycle_id", "no such cycle"))
        self._check_nominee(caller, command)
        nomination = {
            "nomination_id": command.nomination_id or str(uuid.uuid4()),
            "nominee_type": command.nominee_type,
            "nominee_id": command.nominee_id,
            "honour": honour,
            "citation": citation,
        }
        cycle = self._cycle(caller.tenant_id, command.cycle_id)
        known = cycle.nominations.get(nomination["nomination_id"])
        if known is not None:
            wanted = {**nomination, "nominated_by": caller.actor_id}
            return _same(known, wanted, NOMINATION_CONTENT, "#/nomination_id")
        cycle.nominate(nomination, event_meta(caller, self.clock.now()))
        self.store.save_or_conflict(cycle)
        return cycle.nominations[nomination["nomination_id"]]

    def _holding(self, tenant_id: str, nomination_id: str) -> CycleRecognition | None:
        for cycle in self.knowledge.cycles(tenant_id):
            uid = keys.cycle_recognition_uuid(tenant_id, cycle["cycle_id"])
            found = self.store.find(CycleRecognition, uid, tenant_id)
            if found is not None and nomination_id in found.nominations:
                return found
        return None

    def _may_see(self, caller: Caller, actor: access.Actor, record: Doc) -> bool:
        return (
            record["state"] == APPROVED
            or bool(caller.roles & {access.ADMIN, access.AUDITOR})
            or record["nominated_by"] == caller.actor_id
            or self._may_decide(caller, actor, record)
        )

    @confirms_refusals
    def decide(self, command: Decide, caller: Caller) -> Doc:
        """Approves or declines a nomination: leaders of the nominee's unit or above, admins;
        never the nominee. The same decision again changes nothing."""
        reason = _text(command.reason, "#/reason")
        cycle = self._holding(caller.tenant_id, command.nomination_id)
        actor = actor_of(self.knowledge.lookup(caller.tenant_id), caller)
        record = cycle.nominations[command.nomination_id] if cycle else None
        if cycle is None or record is None or not self._may_see(caller, actor, record):
            raise NominationNotFound(command.nomination_id)
        if not self._may_decide(caller, actor, record):
            self.knowledge.refuse(
                Forbidden("#", "only a leader of the nominee's unit or above, or an admin, decides")
            )
        if self._is_nominee(actor, record):
            self.knowledge.refuse(Forbidden("#", "nobody decides their own honour"))
        meta = event_meta(caller, self.clock.now())
        if cycle.decide(command.nomination_id, command.approve, reason, meta):
            self.store.save_or_conflict(cycle)
        return cycle.nominations[command.nomination_id]

    @confirms_refusals
    def nominations(self, caller: Caller, cycle_id: str) -> list[Doc]:
        """The cycle's nominations the caller may see, oldest first."""
        if self.knowledge.cycle(caller.tenant_id, cycle_id) is None:
            self.knowledge.refuse(NotFound("cycle", cycle_id))
        actor = actor_of(self.knowledge.lookup(caller.tenant_id), caller)
        cycle = self._cycle(caller.tenant_id, cycle_id)
        return [r for r in cycle.nominations.values() if self._may_see(caller, actor, r)]

    # ---- a person's recognition

    @confirms_refusals
    def recognition_of(self, caller: Caller, person_id: str) -> Doc:
        """Kudos the person received and gave (on goals the caller may read), the honours they
        hold and their badges."""
        tenant = caller.tenant_id
        if self.knowledge.person(tenant, person_id) is None:
            self.knowledge.refuse(NotFound("person", person_id))
        lookup = self.knowledge.lookup(tenant)
        received, given, honours = [], [], []
        for known in self.knowledge.cycles(tenant):
            uid = keys.cycle_recognition_uuid(tenant, known["cycle_id"])
            cycle = self.store.find(CycleRecognition, uid, tenant)
            if cycle is None:
                continue
            for kudos in cycle.kudos.values():
                objective = self.knowledge.objective(tenant, kudos["objective_id"])
                if objective is None or not may_read(lookup, caller, objective):
                    continue
                item = {**kudos, "cycle_id": cycle.cycle_id}
                if kudos["recipient_id"] == person_id:
                    received.append(item)
                if kudos["giver_id"] == person_id:
                    given.append(item)
            honours += [
                r
                for r in cycle.nominations.values()
                if r["state"] == APPROVED
                and r["nominee_type"] == PERSON_NOMINEE
                and r["nominee_id"] == person_id
            ]
        badges = self._badges(tenant, person_id)
        return {
            "person_id": person_id,
            "kudos_received": self.store.personal.opened(received),
            "kudos_given": self.store.personal.opened(given),
            "honours": honours,
            "badges": list(badges.badges) if badges else [],
        }

    # ---- streak badges (the consumer's idempotent command)

    def _badges(self, tenant_id: str, person_id: str) -> PersonBadges | None:
        uid = keys.person_badges_uuid(tenant_id, person_id)
        return self.store.find(PersonBadges, uid, tenant_id)

    def check_ins_learned(self, tenant_id: str, key_result_id: str, meta: dict[str, Any]) -> int:
        """After a check-in or a due period of the key result was learned: awards the streak
        badges its owners earned and have not been awarded; the number awarded."""
        reminders = self.knowledge.reminders(tenant_id, key_result_id)
        owners = sorted({d["owner_id"] for d in reminders["dues"]}) if reminders else []
        meta = {**meta, "at": self.clock.now().isoformat()}
        return sum(self._award_streaks(tenant_id, owner, meta) for owner in owners)

    def _award_streaks(self, tenant_id: str, person_id: str, meta: dict[str, Any]) -> int:
        docs = self.knowledge.reminders_of(tenant_id, person_id)
        times = {
            r["key_result_id"]: self.knowledge.check_in_times(tenant_id, r["key_result_id"])
            for r in docs
        }
        periods = streaks.periods_of(person_id, docs, times)
        badges = self._badges(tenant_id, person_id) or PersonBadges.open(
            keys.person_badges_uuid(tenant_id, person_id), tenant_id, person_id
        )
        length = self.settings_of(tenant_id)["streak_periods"]
        earned = streaks.new_badges(periods, length, badges.spans())
        for run in earned:
            badge_id = keys.streak_badge_uuid(tenant_id, person_id, run[0][0])
            badges.award(str(badge_id), run, meta)
        if earned:
            self.store.save_or_conflict(badges)
        return len(earned)
