"""HTTP API of the projections service: read models scoped to the caller's tenant and visibility."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query, Request

from okr_projections.application.queries import ReadQueries
from okr_projections.bootstrap import ProjectionsContainer
from okr_projections.domain.documents import Document, public_view
from okr_projections.entrypoints.schemas import (
    CheckInsDueOut,
    CycleOut,
    CycleTreeOut,
    InvolvedObjectivesPageOut,
    ObjectiveProgressOut,
    ObjectivesPageOut,
    OrgUnitOut,
    PersonOut,
)
from okr_shared.api_models import Offset, problems
from okr_shared.health import (
    consumer_check,
    document_store_check,
    kafka_check,
    stop_seconds,
    stop_within,
)
from okr_shared.problems import Problem
from okr_shared.web import CurrentPrincipal, create_app

objectives = APIRouter(prefix="/v1", tags=["objectives"])
directory = APIRouter(prefix="/v1", tags=["directory"])
cycles = APIRouter(prefix="/v1", tags=["cycles"])

Id = Annotated[str, Path(min_length=1, max_length=200)]
Limit = Annotated[int, Query(ge=1, le=500)]
DOCUMENT = {"response_model_exclude_unset": True, "responses": problems(404)}
PAGE = {"response_model_exclude_unset": True}
CycleFilter = Annotated[str | None, Query(max_length=100)]


def _queries(request: Request) -> ReadQueries:
    return request.app.state.container.queries


def _found(doc: Document | None, what: str, business_id: str) -> dict[str, Any]:
    if doc is None:
        raise Problem(
            404,
            f"{what.capitalize()} not found",
            f"No {what} {business_id} in this tenant.",
            kind="not-found",
        )
    return public_view(doc)


def _page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "limit": limit, "offset": offset}


@objectives.get(
    "/objectives/{objective_id}/progress", response_model=ObjectiveProgressOut, **DOCUMENT
)
async def objective_progress(
    objective_id: Id, request: Request, principal: CurrentPrincipal
) -> dict[str, Any]:
    """The read model of one objective: key results, progress, rollup, alignments."""
    return _found(
        await _queries(request).objective(principal, objective_id), "objective", objective_id
    )


@objectives.get("/objectives", response_model=ObjectivesPageOut, **PAGE)
async def list_objectives(
    request: Request,
    principal: CurrentPrincipal,
    cycle_id: CycleFilter = None,
    owner_id: Annotated[str | None, Query(max_length=200)] = None,
    level: Annotated[str | None, Query(pattern="^(company|department|team|individual)$")] = None,
    status: Annotated[str | None, Query(pattern="^(draft|active|closed|archived)$")] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    org_unit_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Visible objectives of the tenant, filtered by cycle, owner, level, status, tag or org unit."""
    filters = {
        "cycle_id": cycle_id,
        "owner_id": owner_id,
        "level": level,
        "status": status,
        "tags": tag,
        "org_unit_id": org_unit_id,
    }
    docs = await _queries(request).objectives_list(
        principal, {k: v for k, v in filters.items() if v}, limit, offset
    )
    return _page([public_view(d) for d in docs], limit, offset)


@directory.get("/org-units/{org_unit_id}", response_model=OrgUnitOut, **DOCUMENT)
async def org_unit(
    org_unit_id: Id, request: Request, principal: CurrentPrincipal
) -> dict[str, Any]:
    """One org unit, with the units above it (`ancestors`, root first)."""
    return _found(await _queries(request).org_unit(principal, org_unit_id), "org unit", org_unit_id)


@directory.get("/org-units/{org_unit_id}/objectives", response_model=ObjectivesPageOut, **PAGE)
async def org_unit_objectives(
    org_unit_id: Id,
    request: Request,
    principal: CurrentPrincipal,
    cycle_id: CycleFilter = None,
    include_sub_units: bool = True,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Visible objectives of the unit and, unless `include_sub_units=false`, of every unit below it."""
    docs = await _queries(request).org_unit_objectives(
        principal, org_unit_id, cycle_id, include_sub_units, limit, offset
    )
    return _page([public_view(d) for d in docs], limit, offset)


@directory.get("/people/{person_id}", response_model=PersonOut, **DOCUMENT)
async def person(person_id: Id, request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    """One person of the directory."""
    return _found(await _queries(request).person(principal, person_id), "person", person_id)


@directory.get("/people/{person_id}/objectives", response_model=InvolvedObjectivesPageOut, **PAGE)
async def person_objectives(
    person_id: Id,
    request: Request,
    principal: CurrentPrincipal,
    cycle_id: CycleFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Visible objectives the person owns or owns a key result or initiative of; `involvement` says which."""
    found = await _queries(request).person_objectives(principal, person_id, cycle_id, limit, offset)
    return _page([{**public_view(doc), "involvement": why} for doc, why in found], limit, offset)


@directory.get(
    "/people/{person_id}/check-ins-due",
    response_model=CheckInsDueOut,
    responses=problems(403),
    **PAGE,
)
async def person_check_ins_due(
    person_id: Id,
    request: Request,
    principal: CurrentPrincipal,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Check-ins still due from the person (`due` or `overdue`), oldest period first; for them, their managers, admins."""
    items = await _queries(request).check_ins_due(principal, person_id, limit, offset)
    if items is None:
        raise Problem(
            403,
            "Forbidden",
            f"Only {person_id}, the people above them and admins see their check-ins due.",
            kind="forbidden",
        )
    return {"person_id": person_id, **_page([public_view(d) for d in items], limit, offset)}


@cycles.get("/cycles/{cycle_id}", response_model=CycleOut, **DOCUMENT)
async def cycle(cycle_id: Id, request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    """One cycle: dates, cadence, state and its transitions."""
    return _found(await _queries(request).cycle(principal, cycle_id), "cycle", cycle_id)


@cycles.get("/cycles/{cycle_id}/tree", response_model=CycleTreeOut, **PAGE)
async def cycle_tree(
    cycle_id: Id,
    request: Request,
    principal: CurrentPrincipal,
    org_unit_id: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """The alignment tree of the cycle's visible objectives (within the unit's subtree when given)."""
    roots = await _queries(request).cycle_tree(principal, cycle_id, org_unit_id)
    return {"cycle_id": cycle_id, "org_unit_id": org_unit_id, "roots": roots}


def create_http_app(container: ProjectionsContainer, consume: bool | None = None) -> FastAPI:
    """The projections ASGI app; consumes Kafka beside it unless disabled."""
    consuming = container.settings.consume if consume is None else consume

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await container.ensure_indexes()
        app.state.health.add("document-store", document_store_check(container.mongo))
        if consuming:
            await container.start_consuming()
            app.state.health.add("kafka", kafka_check(container.settings.kafka))
            app.state.health.add("consumer", consumer_check(container.broker))
        try:
            yield
        finally:
            if consuming:
                await stop_within("kafka consumer", container.broker.stop(), stop_seconds())
            await stop_within("document store client", container.mongo.close(), stop_seconds())

    app = create_app(
        "OKR projections service",
        "0.3.0",
        "Objective (with check-ins), check-ins due, directory and cycle read models kept from the platform's events.",
        verifier=container.verifier,
        routers=[objectives, directory, cycles],
        http=container.settings.http,
        lifespan=lifespan,
    )
    app.state.container = container
    return app
