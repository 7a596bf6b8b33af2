"""What a service learned from other services' events, as its features read it: documents by
kind and key, the lookup the access rules take, and refusals resting on it, which wait until the
knowledge is known to be current (`okr_shared.freshness`)."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from okr_shared.access_facts import Lookup
from okr_shared.errors import DomainError
from okr_shared.freshness import AlwaysCurrent, KnowledgeFreshness, Refusals
from okr_shared.knowledge_table import KnowledgeTable

Doc = dict[str, Any]


class KnowledgeReads:
    """The knowledge table; a service's subclass names its `refusals` rule and adds its reads."""

    refusals: ClassVar[Refusals]

    def __init__(self, store: KnowledgeTable, freshness: KnowledgeFreshness | None = None) -> None:
        self.store = store
        self.freshness = freshness or AlwaysCurrent()

    def lookup(self, tenant_id: str) -> Lookup:
        return lambda kind, key: self.store.load(tenant_id, kind, key)[1]

    def refuse(self, refusal: DomainError) -> NoReturn:
        self.refusals.refuse(refusal)

    def cycle(self, tenant_id: str, cycle_id: str) -> Doc | None:
        return self.store.load(tenant_id, "cycle", cycle_id)[1]

    def objective(self, tenant_id: str, objective_id: str) -> Doc | None:
        return self.store.load(tenant_id, "objective", objective_id)[1]
