"""Queries over the open grading of people."""

from __future__ import annotations

from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document
from okr_projections.grading_due.store import GradingDueStore
from okr_projections.objectives.visibility import can_read_work_of
from okr_shared.identity import Principal


class GradingDueQueries:
    """The grading a person still owes, for those who may see the person's work."""

    def __init__(self, store: GradingDueStore | None, directory: DirectoryQueries) -> None:
        self.store = store
        self.directory = directory

    async def grading_due(
        self, principal: Principal, person_id: str, limit: int, offset: int
    ) -> list[Document] | None:
        """The person's open grading items, the earliest due first (none without the read
        model); None if they are not the principal's to see."""
        if not can_read_work_of(person_id, await self.directory.reader(principal)):
            return None
        if self.store is None:
            return []
        return await self.store.open_for(principal.tenant_id, person_id, limit, offset)
