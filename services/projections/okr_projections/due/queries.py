"""Queries over the check-ins due."""

from __future__ import annotations

from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document
from okr_projections.due.store import DueStore
from okr_projections.objectives.visibility import can_read_work_of
from okr_shared.identity import Principal


class DueQueries:
    """The check-ins due from a person, for those who may see the person's work."""

    def __init__(self, due: DueStore | None, directory: DirectoryQueries) -> None:
        self.due = due
        self.directory = directory

    async def check_ins_due(
        self, principal: Principal, person_id: str, limit: int, offset: int
    ) -> list[Document] | None:
        """The person's open check-ins due, oldest first (none without the due read model).

        None if they are not the principal's to see."""
        if not can_read_work_of(person_id, await self.directory.reader(principal)):
            return None
        return (
            []
            if self.due is None
            else await self.due.open_for(principal.tenant_id, person_id, limit, offset)
        )
