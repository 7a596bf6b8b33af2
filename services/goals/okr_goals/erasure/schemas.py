"""Request and response bodies of the erasure route."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from okr_goals.erasure.commands import Erasure


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=500, description="Why, e.g. a ticket")]


class ErasureOut(BaseModel):
    """What was erased: the fields the goal service held, and the keys deleted; the check-in and
    incentive services delete theirs when they learn of the erasure from `okr.goals.v1`."""

    person_id: str
    reason: str
    fields: list[str]
    keys_deleted: int
    already_erased: bool
    version: int


def erasure_view(erasure: Erasure) -> ErasureOut:
    return ErasureOut(
        person_id=erasure.person_id,
        reason=erasure.reason,
        fields=list(erasure.fields),
        keys_deleted=erasure.keys_deleted,
        already_erased=erasure.already_erased,
        version=erasure.version,
    )
