"""What the HTTP API of every read model shares: parameter types, response options, the
read-model base of response bodies, not-found problems and pages.

Response bodies are read-model documents, their known fields typed; documents may carry more
fields as the platform's events grow."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict

from okr_projections.documents import Document, public_view
from okr_shared.api_models import problems
from okr_shared.problems import Problem

Id = Annotated[str, Path(min_length=1, max_length=200)]
Limit = Annotated[int, Query(ge=1, le=500)]
DOCUMENT = {"response_model_exclude_unset": True, "responses": problems(404)}
PAGE = {"response_model_exclude_unset": True}
CycleFilter = Annotated[str | None, Query(max_length=100)]


def found(doc: Document | None, what: str, business_id: str) -> dict[str, Any]:
    """The document as served, or a not-found problem when there is none."""
    if doc is None:
        raise Problem(
            404,
            f"{what.capitalize()} not found",
            f"No {what} {business_id} in this tenant.",
            kind="not-found",
        )
    return public_view(doc)


def page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """A page of items as served."""
    return {"items": items, "limit": limit, "offset": offset}


class ReadModel(BaseModel):
    """The fields every read-model document carries; more are allowed."""

    model_config = ConfigDict(extra="allow")

    tenant_id: str | None = None
    version: int | None = None
    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None
