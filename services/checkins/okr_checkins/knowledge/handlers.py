"""Reads of what the service learned of goals, as the other features ask them."""

from __future__ import annotations

from typing import NoReturn

from okr_checkins.errors import KeyResultNotFound, ObjectiveNotFound
from okr_checkins.knowledge import access
from okr_checkins.knowledge.domain import Doc
from okr_checkins.knowledge.refusals import refuse
from okr_checkins.knowledge.store import KnowledgeStore
from okr_shared import access_facts
from okr_shared.access_facts import Lookup
from okr_shared.errors import DomainError, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.freshness import AlwaysCurrent, KnowledgeFreshness


class GoalKnowledge:
    """The knowledge store, read with the access rules; refusals resting on it wait for
    `freshness` (see `okr_checkins.knowledge.refusals`)."""

    def __init__(
        self, knowledge: KnowledgeStore, freshness: KnowledgeFreshness | None = None
    ) -> None:
        self.knowledge = knowledge
        self.freshness = freshness or AlwaysCurrent()

    def lookup(self, tenant_id: str) -> Lookup:
        return lambda kind, key: self.knowledge.load(tenant_id, kind, key)[1]

    def refuse(self, refusal: DomainError) -> NoReturn:
        refuse(refusal)

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
            self.refuse(
                UnknownReference(pointer, f"unknown key result {key_result_id}")
                if pointer
                else KeyResultNotFound(key_result_id)
            )
        return objective, objective["key_results"][key_result_id]

    def objective(self, caller: Caller, objective_id: str) -> Doc:
        """The objective, if the caller may read it; else it does not exist."""
        objective = self.knowledge.load(caller.tenant_id, "objective", objective_id)[1]
        if objective is None or not access_facts.may_read(
            self.lookup(caller.tenant_id), caller, objective
        ):
            self.refuse(ObjectiveNotFound(objective_id))
        return objective
