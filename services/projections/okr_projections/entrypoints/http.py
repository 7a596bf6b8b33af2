"""HTTP API of the projections service: progress read models, scoped to the caller's tenant."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request

from okr_shared.problems import Problem
from okr_shared.web import CurrentPrincipal, create_app

from okr_projections.bootstrap import ProjectionsContainer
from okr_projections.domain.objective_progress import public_view

router = APIRouter(prefix="/v1", tags=["progress"])


def _store(request: Request) -> Any:
    return request.app.state.container.store


@router.get("/objectives/{objective_id}/progress")
async def objective_progress(objective_id: str, request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    """The progress document of one objective."""
    doc = await _store(request).get(principal.tenant_id, objective_id)
    if doc is None:
        raise Problem(404, "Objective not found", f"No progress for objective {objective_id} in this tenant.",
                      kind="not-found")
    return public_view(doc)


@router.get("/objectives")
async def list_objectives(
    request: Request, principal: CurrentPrincipal,
    cycle_id: Annotated[str | None, Query(max_length=100)] = None,
    owner_id: Annotated[str | None, Query(max_length=200)] = None,
    level: Annotated[str | None, Query(pattern="^(company|department|team|individual)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Progress documents of the tenant, filtered by cycle, owner or level."""
    filters = {k: v for k, v in {"cycle_id": cycle_id, "owner_id": owner_id, "level": level}.items() if v}
    docs = await _store(request).list(principal.tenant_id, filters, limit, offset)
    return {"items": [public_view(d) for d in docs], "limit": limit, "offset": offset}


def create_http_app(container: ProjectionsContainer, consume: bool | None = None) -> FastAPI:
    """The projections ASGI app; consumes Kafka beside it unless disabled."""
    consuming = container.settings.consume if consume is None else consume

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await container.store.ensure_indexes()
        if consuming:
            await container.start_consuming()
        try:
            yield
        finally:
            if consuming:
                await container.broker.stop()
            await container.mongo.close()

    app = create_app(
        "OKR projections service", "0.1.0", "Progress read models kept from the platform's events.",
        verifier=container.verifier, routers=[router], http=container.settings.http, lifespan=lifespan,
    )
    app.state.container = container
    return app
