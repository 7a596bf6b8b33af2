"""Reads of what the service learned, as the other features ask them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NoReturn

from okr_reviews.knowledge.domain import Doc
from okr_reviews.knowledge.refusals import refuse
from okr_reviews.knowledge.store import KnowledgeStore
from okr_shared.access_facts import Lookup
from okr_shared.contracts.vocabulary import OBJECTIVE_STATUSES, choose
from okr_shared.errors import DomainError
from okr_shared.freshness import AlwaysCurrent, KnowledgeFreshness

REVIEWED_STATUSES = choose(OBJECTIVE_STATUSES, "active", "closed")


class Knowledge:
    """The knowledge store; refusals resting on it wait for `freshness`."""

    def __init__(self, store: KnowledgeStore, freshness: KnowledgeFreshness | None = None) -> None:
        self.store = store
        self.freshness = freshness or AlwaysCurrent()

    def lookup(self, tenant_id: str) -> Lookup:
        return lambda kind, key: self.store.load(tenant_id, kind, key)[1]

    def refuse(self, refusal: DomainError) -> NoReturn:
        refuse(refusal)

    def cycle(self, tenant_id: str, cycle_id: str) -> Doc | None:
        return self.store.load(tenant_id, "cycle", cycle_id)[1]

    def objective(self, tenant_id: str, objective_id: str) -> Doc | None:
        return self.store.load(tenant_id, "objective", objective_id)[1]

    def objectives_of_cycle(self, tenant_id: str, cycle_id: str) -> Iterator[Doc]:
        """The cycle's objectives that are graded (active or closed; not drafts or archived)."""
        for objective in self.store.of_tenant(tenant_id, "objective"):
            if objective["cycle_id"] == cycle_id and objective["status"] in REVIEWED_STATUSES:
                yield objective

    def check_ins(self, tenant_id: str, key_result_id: str) -> list[Doc]:
        log = self.store.load(tenant_id, "check_in_log", key_result_id)[1]
        return log["check_ins"] if log else []
