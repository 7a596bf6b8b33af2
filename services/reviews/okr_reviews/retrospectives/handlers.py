"""Writing, revising and reading retrospectives; every refusal resting on what the service learned
from `okr.goals.v1` waits until that knowledge is current."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from okr_reviews import keys
from okr_reviews.knowledge.domain import Doc
from okr_reviews.knowledge.handlers import Knowledge
from okr_reviews.knowledge.refusals import confirms_refusals
from okr_reviews.retrospectives import access
from okr_reviews.retrospectives.commands import (
    RetrospectivesOfCycle,
    RetrospectiveView,
    ReviseRetrospective,
    WriteRetrospective,
)
from okr_reviews.retrospectives.domain import (
    OBJECTIVE,
    ORG_UNIT,
    WRITABLE_STATES,
    CycleNotClosing,
    NotFoundAt,
    Retrospective,
    RetrospectiveNotFound,
    checked_content,
    checked_sharing,
    rolled_over_from,
    subject_of,
)
from okr_reviews.store import ReviewsStore
from okr_shared import access_facts
from okr_shared.clock import Clock
from okr_shared.errors import AlreadyExists, Forbidden, InvalidField, NotFound, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class RetrospectiveHandlers:
    """Retrospectives of objectives and teams, one per subject and cycle."""

    def __init__(self, store: ReviewsStore, knowledge: Knowledge, clock: Clock) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock

    # ---- writing

    @confirms_refusals
    def write(self, command: WriteRetrospective, caller: Caller) -> RetrospectiveView:
        """Writes the retrospective; writing the same again stores nothing, writing another
        content is a conflict (revise it instead)."""
        kind, subject_id = subject_of(command.objective_id, command.org_unit_id)
        content = checked_content(command.content)
        sharing = checked_sharing(command.sharing)
        cycle = self.knowledge.cycle(caller.tenant_id, command.cycle_id)
        if cycle is None:
            self.knowledge.refuse(NotFoundAt("#/cycle_id", f"no cycle {command.cycle_id}"))
        subject = self._subject(caller, command.cycle_id, kind, subject_id)
        pointer = f"#/{kind}_id"
        self._check_right(caller, kind, subject, pointer)
        self._check_state(cycle)
        self._check_links(caller, cycle, content)
        uid = keys.retrospective_uuid(caller.tenant_id, command.cycle_id, kind, subject_id)
        found = self.store.find(Retrospective, uid, caller.tenant_id)
        if found is not None:
            if not found.says(content, sharing):
                raise AlreadyExists(
                    pointer, f"already written as {uid}: revise it with its expected_version"
                )
            return self._view(caller, found)
        retrospective = Retrospective.write(
            uid,
            tenant_id=caller.tenant_id,
            cycle_id=command.cycle_id,
            objective_id=subject_id if kind == OBJECTIVE else None,
            org_unit_id=subject_id if kind == ORG_UNIT else None,
            content=content,
            sharing=sharing,
            meta=event_meta(caller, self.clock.now()),
        )
        self.store.save_or_conflict(retrospective)
        return self._view(caller, retrospective)

    @confirms_refusals
    def revise(self, command: ReviseRetrospective, caller: Caller) -> RetrospectiveView:
        """Replaces the content and sharing, against the version the caller saw."""
        content = checked_content(command.content)
        sharing = checked_sharing(command.sharing)
        retrospective, subject = self._readable(caller, command.retrospective_id)
        kind = retrospective.subject[0]
        self._check_right(caller, kind, subject, "path:retrospective_id")
        cycle = self.knowledge.cycle(caller.tenant_id, retrospective.cycle_id)
        if cycle is None:
            self.knowledge.refuse(RetrospectiveNotFound(command.retrospective_id))
        self._check_state(cycle)
        retrospective.check_version(command.expected_version)
        self._check_links(caller, cycle, content)
        if retrospective.revise(content, sharing, event_meta(caller, self.clock.now())):
            self.store.save_or_conflict(retrospective)
        return self._view(caller, retrospective)

    def _subject(self, caller: Caller, cycle_id: str, kind: str, subject_id: str) -> Doc:
        """The known objective of the cycle the caller may read, or the known org unit."""
        pointer = f"#/{kind}_id"
        subject = self.knowledge.store.load(caller.tenant_id, kind, subject_id)[1]
        lookup = self.knowledge.lookup(caller.tenant_id)
        if subject is None or (
            kind == OBJECTIVE and not access_facts.may_read(lookup, caller, subject)
        ):
            self.knowledge.refuse(NotFoundAt(pointer, f"no {kind.replace('_', ' ')} {subject_id}"))
        if kind == OBJECTIVE and subject["cycle_id"] != cycle_id:
            self.knowledge.refuse(
                InvalidField(pointer, f"the objective is of cycle {subject['cycle_id']}")
            )
        return subject

    def _check_right(self, caller: Caller, kind: str, subject: Doc, pointer: str) -> None:
        lookup = self.knowledge.lookup(caller.tenant_id)
        if not access.may_write(lookup, caller, kind, subject):
            who = (
                "those who may change the objective"
                if kind == OBJECTIVE
                else "the team's people, or those of a unit above it"
            )
            self.knowledge.refuse(Forbidden(pointer, f"only {who} write its retrospective"))

    def _check_state(self, cycle: Doc) -> None:
        if cycle["state"] not in WRITABLE_STATES:
            self.knowledge.refuse(
                CycleNotClosing(
                    "#/cycle_id",
                    f"the cycle is {cycle['state']}; retrospectives are written once it is in "
                    "grading or closed",
                )
            )

    def _check_links(self, caller: Caller, cycle: Doc, content: Doc) -> None:
        """Each linked objective is one of a later cycle the caller may read."""
        lookup = self.knowledge.lookup(caller.tenant_id)
        ends_on = date.fromisoformat(cycle["ends_on"])
        for i, step in enumerate(content["next_steps"]):
            linked_id = step["objective_id"]
            if linked_id is None:
                continue
            pointer = f"#/content/next_steps/{i}/objective_id"
            linked = self.knowledge.objective(caller.tenant_id, linked_id)
            if linked is None or not access_facts.may_read(lookup, caller, linked):
                self.knowledge.refuse(UnknownReference(pointer, f"no objective {linked_id}"))
            later = self.knowledge.cycle(caller.tenant_id, linked["cycle_id"])
            if later is None or date.fromisoformat(later["starts_on"]) <= ends_on:
                self.knowledge.refuse(
                    InvalidField(
                        pointer,
                        f"the objective is of cycle {linked['cycle_id']}: link an objective of "
                        f"a cycle starting after {cycle['ends_on']}",
                    )
                )

    # ---- reads

    def _readable(self, caller: Caller, retrospective_id: str) -> tuple[Retrospective, Doc]:
        """The retrospective and its subject, if the caller may read it; else not found."""
        try:
            uid = uuid.UUID(retrospective_id)
        except ValueError as exc:
            raise RetrospectiveNotFound(retrospective_id) from exc
        retrospective = self.store.find(Retrospective, uid, caller.tenant_id)
        if retrospective is None:
            raise RetrospectiveNotFound(retrospective_id)
        subject = self._readable_subject(caller, retrospective)
        if subject is None:
            self.knowledge.refuse(RetrospectiveNotFound(retrospective_id))
        return retrospective, subject

    def _readable_subject(self, caller: Caller, retrospective: Retrospective) -> Doc | None:
        kind, subject_id = retrospective.subject
        subject = self.knowledge.store.load(caller.tenant_id, kind, subject_id)[1]
        lookup = self.knowledge.lookup(caller.tenant_id)
        if subject is None or not access.may_read(
            lookup, caller, kind, subject, retrospective.sharing
        ):
            return None
        return subject

    @confirms_refusals
    def retrospective(self, caller: Caller, retrospective_id: str) -> RetrospectiveView:
        return self._view(caller, self._readable(caller, retrospective_id)[0])

    @confirms_refusals
    def of_cycle(self, caller: Caller, query: RetrospectivesOfCycle) -> list[RetrospectiveView]:
        """The cycle's retrospectives the caller may read (of one objective or team if asked)."""
        if query.objective_id and query.org_unit_id:
            raise InvalidField("query:org_unit_id", "filter by an objective or a team, not both")
        tenant = caller.tenant_id
        if self.knowledge.cycle(tenant, query.cycle_id) is None:
            self.knowledge.refuse(NotFound("cycle", query.cycle_id))
        found = []
        for kind, subject_id in self._candidates(tenant, query):
            uid = keys.retrospective_uuid(tenant, query.cycle_id, kind, subject_id)
            retrospective = self.store.find(Retrospective, uid, tenant)
            if retrospective is not None and self._readable_subject(caller, retrospective):
                found.append(self._view(caller, retrospective))
        return found

    def _candidates(self, tenant_id: str, query: RetrospectivesOfCycle) -> list[tuple[str, str]]:
        """The subjects a retrospective of the cycle may have, narrowed by the query."""
        if query.objective_id:
            return [(OBJECTIVE, query.objective_id)]
        if query.org_unit_id:
            return [(ORG_UNIT, query.org_unit_id)]
        store = self.knowledge.store
        objectives = [
            (OBJECTIVE, o["objective_id"])
            for o in store.of_tenant(tenant_id, OBJECTIVE)
            if o["cycle_id"] == query.cycle_id
        ]
        units = [(ORG_UNIT, u["org_unit_id"]) for u in store.of_tenant(tenant_id, ORG_UNIT)]
        return objectives + units

    def _view(self, caller: Caller, retrospective: Retrospective) -> RetrospectiveView:
        lookup = self.knowledge.lookup(caller.tenant_id)

        def shown(content: Doc) -> Doc:
            return {
                **content,
                "next_steps": [
                    self._step(lookup, caller, retrospective, s) for s in content["next_steps"]
                ],
            }

        history = [{**h, "content": shown(h["content"])} for h in retrospective.history]
        return RetrospectiveView(retrospective, shown(retrospective.content), history)

    def _step(
        self,
        lookup: access_facts.Lookup,
        caller: Caller,
        retrospective: Retrospective,
        step: dict[str, Any],
    ) -> dict[str, Any]:
        linked = step["objective_id"] and lookup(OBJECTIVE, step["objective_id"])
        if not linked or not access_facts.may_read(lookup, caller, linked):
            return {"text": step["text"], "objective_id": None, "rolled_over_from": None}
        lineage = rolled_over_from(lookup, retrospective.cycle_id, retrospective.subject, linked)
        return {**step, "rolled_over_from": lineage}
