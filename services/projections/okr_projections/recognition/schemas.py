"""Response bodies of the recognition read models."""

from __future__ import annotations

from pydantic import BaseModel, Field

from okr_projections.api import ReadModel


class ItemOut(ReadModel):
    """A recognition item: `kind` is `kudos`, `honour` or `badge`; the other fields are those of
    its kind (see `okr_projections.recognition.domain`)."""

    kind: str
    at: str = Field(description="When it was given, decided or awarded")


class PersonRecognitionOut(BaseModel):
    person_id: str
    kudos_received: list[ItemOut]
    kudos_given: list[ItemOut]
    honours: list[ItemOut] = Field(description="Approved honours of the person")
    badges: list[ItemOut]


class WallOut(BaseModel):
    """A page of the unit's recognition wall, newest first."""

    org_unit_id: str
    items: list[ItemOut]
    total: int = Field(description="Items on the wall the reader may see")
    limit: int
    offset: int
