"""Reads of what the service learned, as the other features ask them."""

from __future__ import annotations

from collections.abc import Iterator

from okr_reviews.knowledge.domain import Doc
from okr_reviews.knowledge.refusals import REFUSALS
from okr_shared.contracts.vocabulary import OBJECTIVE_STATUSES, choose
from okr_shared.knowledge_reads import KnowledgeReads

REVIEWED_STATUSES = choose(OBJECTIVE_STATUSES, "active", "closed")


class Knowledge(KnowledgeReads):
    """The knowledge store; refusals resting on it wait for `freshness`."""

    refusals = REFUSALS

    def objectives_of_cycle(self, tenant_id: str, cycle_id: str) -> Iterator[Doc]:
        """The cycle's objectives that are graded (active or closed; not drafts or archived)."""
        for objective in self.store.of_tenant(tenant_id, "objective"):
            if objective["cycle_id"] == cycle_id and objective["status"] in REVIEWED_STATUSES:
                yield objective

    def check_ins(self, tenant_id: str, key_result_id: str) -> list[Doc]:
        log = self.store.load(tenant_id, "check_in_log", key_result_id)[1]
        return log["check_ins"] if log else []
