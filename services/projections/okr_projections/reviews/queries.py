"""Queries over the reviews on the objective documents: the grading status of a cycle and the
distribution of its objectives' scores.

Both cover the objectives of the cycle the principal may see, within an org unit's subtree when
one is named (an unknown unit is NotFound). The distribution takes each objective's current
review score and band (objectives not scored yet are left out), its commitment, its org unit and,
for a person's objective, the owner's manager as the directory knows them (none for a unit's)."""

from __future__ import annotations

from typing import Any

from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document
from okr_projections.objectives.queries import ObjectiveQueries
from okr_projections.reviews.domain import cycle_grading
from okr_shared import access
from okr_shared.contracts.vocabulary import COMMITMENTS, choose
from okr_shared.distribution import ScoredObjective, distribution
from okr_shared.errors import NotFound
from okr_shared.identity import Principal

(ASPIRATIONAL,) = choose(COMMITMENTS, "aspirational")


class GradingQueries:
    """Grading of the objectives the principal may see (all of them for admins and auditors)."""

    def __init__(
        self, objectives: ObjectiveQueries, directory: DirectoryQueries | None = None
    ) -> None:
        self.objectives = objectives
        self._directory = directory

    @property
    def directory(self) -> DirectoryQueries:
        """The directory the objective queries ask, unless one was given."""
        return self._directory if self._directory is not None else self.objectives.directory

    async def cycle_grading(
        self, principal: Principal, cycle_id: str, org_unit_id: str | None = None
    ) -> dict[str, Any]:
        """Per visible objective of the cycle (in the unit's subtree if given): its review's
        status, the key results scored by self and manager, those still missing a self-score;
        and the counts."""
        docs = await self._objectives(principal, cycle_id, org_unit_id)
        return {**cycle_grading(cycle_id, docs), "org_unit_id": org_unit_id}

    async def score_distribution(
        self, principal: Principal, cycle_id: str, org_unit_id: str | None = None
    ) -> dict[str, Any]:
        """Count, mean, spread and band shares of the visible objectives' current review scores,
        overall and per org unit, manager and commitment."""
        docs = await self._objectives(principal, cycle_id, org_unit_id)
        scored = [d for d in docs if _scored(d)]
        managers = await self._managers(principal, scored)
        items = [_item(d, managers.get(d.get("owner_id"))) for d in scored]
        return {"cycle_id": cycle_id, "org_unit_id": org_unit_id, **distribution(items)}

    async def _objectives(
        self, principal: Principal, cycle_id: str, org_unit_id: str | None
    ) -> list[Document]:
        filters: dict[str, Any] = {"cycle_id": cycle_id}
        if org_unit_id is not None:
            if await self.directory.org_unit(principal, org_unit_id) is None:
                raise NotFound("org unit", org_unit_id)
            filters["org_unit_id"] = await self.directory.unit_scope(
                principal.tenant_id, org_unit_id
            )
        return await self.objectives.objectives_list(principal, filters, 0, 0)

    async def _managers(self, principal: Principal, docs: list[Document]) -> dict[str, str | None]:
        owners = sorted({d["owner_id"] for d in docs if d.get("owner_type") == access.PERSON})
        people = [await self.directory.person(principal, p) for p in owners]
        return {p: (d or {}).get("manager_id") for p, d in zip(owners, people, strict=True)}


def _scored(doc: Document) -> bool:
    review = doc.get("review") or {}
    return review.get("score") is not None and bool(review.get("band"))


def _item(doc: Document, manager_id: str | None) -> ScoredObjective:
    review = doc["review"]
    return ScoredObjective(
        objective_id=doc["objective_id"],
        score=review["score"],
        color=review["band"]["color"],
        commitment=review.get("commitment") or doc.get("commitment") or ASPIRATIONAL,
        org_unit_id=doc.get("org_unit_id"),
        manager_id=manager_id if doc.get("owner_type") == access.PERSON else None,
    )
