"""HTTP API of the goal service: translates requests into commands and domain errors into problems."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from okr_shared.identity import Principal
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.problems import Problem, field_error
from okr_shared.telemetry import current_traceparent
from okr_shared.web import CurrentPrincipal, create_app

from okr_goals.application.commands import (
    AddKeyResult,
    CreateObjective,
    NewKeyResult,
    ReviseKeyResult,
    ReviseObjective,
)
from okr_goals.bootstrap import GoalsContainer
from okr_goals.domain.errors import (
    IdempotencyConflict,
    InvalidField,
    KeyResultNotFound,
    ObjectiveNotFound,
    VersionConflict,
)
from okr_goals.domain.objective import EventMeta, Objective
from okr_goals.entrypoints.schemas import (
    AddKeyResultIn,
    HistoryEntryOut,
    KeyResultRevisionIn,
    ObjectiveIn,
    ObjectiveOut,
    ObjectiveRevisionIn,
)

router = APIRouter(prefix="/v1/objectives", tags=["objectives"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def _meta(request: Request, principal: Principal) -> EventMeta:
    request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
    return EventMeta(
        tenant_id=principal.tenant_id,
        actor_id=principal.actor_id,
        correlation_id=request.headers.get("x-correlation-id") or request_id,
        causation_id=request_id,
        traceparent=current_traceparent(),
    )


def _view(objective: Objective) -> ObjectiveOut:
    return ObjectiveOut(
        objective_id=str(objective.id),
        tenant_id=objective.tenant_id,
        title=objective.title,
        description=objective.description,
        owner_id=objective.owner_id,
        level=objective.level,
        cycle_id=objective.cycle_id,
        key_results=[kr.as_dict() for kr in objective.key_results],
        version=objective.version,
        created_on=objective.created_on,
        modified_on=objective.modified_on,
    )


def _respond(response: Response, objective: Objective) -> ObjectiveOut:
    response.headers["ETag"] = f'"{objective.version}"'
    response.headers["Location"] = f"/v1/objectives/{objective.id}"
    return _view(objective)


async def _run(request: Request, fn: Any, *args: Any) -> Any:
    """Runs an application call off the event loop, mapping domain errors to problems."""
    try:
        return await run_in_threadpool(fn, *args)
    except InvalidField as exc:
        raise Problem(422, "Invalid request", str(exc), kind="validation",
                      errors=[field_error(exc.field, exc.message)]) from exc
    except ObjectiveNotFound as exc:
        raise Problem(404, "Objective not found", f"No objective {exc} in this tenant.", kind="not-found") from exc
    except KeyResultNotFound as exc:
        raise Problem(404, "Key result not found", str(exc), kind="not-found") from exc
    except VersionConflict as exc:
        raise Problem(409, "Version conflict", str(exc), kind="version-conflict",
                      errors=[field_error("#/expected_version", f"objective is at version {exc.actual}")]) from exc
    except IdempotencyConflict as exc:
        raise Problem(409, "Idempotency key reused", str(exc), kind="idempotency-conflict",
                      errors=[field_error("header:Idempotency-Key", "already used for a different request")]) from exc


def _container(request: Request) -> GoalsContainer:
    return request.app.state.container


@router.post("", status_code=201, response_model=ObjectiveOut)
async def create_objective(
    body: ObjectiveIn, request: Request, response: Response, principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> ObjectiveOut:
    """Sets a new objective with its first key results."""
    command = CreateObjective(
        title=body.title, description=body.description, owner_id=body.owner_id, level=body.level,
        cycle_id=body.cycle_id,
        key_results=tuple(NewKeyResult(**kr.model_dump()) for kr in body.key_results),
        idempotency_key=idempotency_key,
    )
    result = await _run(request, _container(request).application.create_objective, command, _meta(request, principal))
    if result.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return _respond(response, result.objective)


@router.get("/{objective_id}", response_model=ObjectiveOut)
async def get_objective(
    objective_id: str, request: Request, response: Response, principal: CurrentPrincipal,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> ObjectiveOut:
    """The objective now, or as it was at an earlier version."""
    objective = await _run(request, _container(request).application.get_objective,
                           principal.tenant_id, objective_id, version)
    return _respond(response, objective)


@router.get("/{objective_id}/history", response_model=list[HistoryEntryOut])
async def get_history(objective_id: str, request: Request, principal: CurrentPrincipal) -> list[HistoryEntryOut]:
    """Every change of the objective: what, who, when and why."""
    events = await _run(request, _container(request).application.history, principal.tenant_id, objective_id)
    entries = []
    for e in events:
        state = {k: v for k, v in e.__dict__.items()
                 if k not in {"originator_id", "originator_version", "timestamp", "originator_topic", "meta",
                              "request_fingerprint", "reason"}}
        entries.append(HistoryEntryOut(
            version=e.originator_version, event=type(e).__name__, recorded_at=e.timestamp,
            actor_id=e.meta["actor_id"], reason=getattr(e, "reason", None), changes=state,
        ))
    return entries


@router.post("/{objective_id}/key-results", status_code=201, response_model=ObjectiveOut)
async def add_key_result(
    objective_id: str, body: AddKeyResultIn, request: Request, response: Response, principal: CurrentPrincipal,
) -> ObjectiveOut:
    """Adds a key result to the objective (optimistic concurrency on `expected_version`)."""
    kr = body.model_dump(exclude={"expected_version"})
    command = AddKeyResult(objective_id=objective_id, expected_version=body.expected_version, key_result=NewKeyResult(**kr))
    objective = await _run(request, _container(request).application.add_key_result, command, _meta(request, principal))
    return _respond(response, objective)


@router.patch("/{objective_id}", response_model=ObjectiveOut)
async def revise_objective(
    objective_id: str, body: ObjectiveRevisionIn, request: Request, response: Response, principal: CurrentPrincipal,
) -> ObjectiveOut:
    """Revises title, description or owner, with an optional reason."""
    changes = body.model_dump(exclude={"expected_version", "reason"}, exclude_unset=True)
    _reject_nulls(changes)
    command = ReviseObjective(objective_id, body.expected_version, changes, body.reason)
    objective = await _run(request, _container(request).application.revise_objective, command, _meta(request, principal))
    return _respond(response, objective)


@router.patch("/{objective_id}/key-results/{key_result_id}", response_model=ObjectiveOut)
async def revise_key_result(
    objective_id: str, key_result_id: str, body: KeyResultRevisionIn, request: Request, response: Response,
    principal: CurrentPrincipal,
) -> ObjectiveOut:
    """Revises a key result; the old values stay in the history."""
    changes = body.model_dump(exclude={"expected_version", "reason"}, exclude_unset=True)
    _reject_nulls(changes)
    command = ReviseKeyResult(objective_id, key_result_id, body.expected_version, changes, body.reason)
    objective = await _run(request, _container(request).application.revise_key_result, command, _meta(request, principal))
    return _respond(response, objective)


def _reject_nulls(changes: dict[str, Any]) -> None:
    nulls = [k for k, v in changes.items() if v is None]
    if nulls:
        raise Problem(422, "Invalid request", "Fields cannot be set to null.", kind="validation",
                      errors=[field_error(f"#/{k}", "must not be null") for k in nulls])


def create_http_app(container: GoalsContainer, run_relay: bool | None = None) -> FastAPI:
    """The goal service's ASGI app; runs the outbox relay beside it unless disabled."""
    relay_wanted = container.settings.relay_enabled if run_relay is None else run_relay

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = None
        if relay_wanted:
            await ensure_topics(container.settings.kafka, [GOALS_TOPIC])
            relay = container.new_relay()
            await relay.publisher.start()
            task = asyncio.create_task(relay.run(stop), name="outbox-relay")
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
                await relay.publisher.stop()

    app = create_app(
        "OKR goal service", "0.1.0",
        "Objectives and key results, event-sourced: every change is kept with who, when and why.",
        verifier=container.verifier, routers=[router], http=container.settings.http, lifespan=lifespan,
    )
    app.state.container = container
    return app
