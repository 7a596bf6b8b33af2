"""`GET /asyncapi.json` and the contracts it references, served by every service.

Open like `/openapi.json` (`api_models.is_open`): the catalogue describes contracts, never a
tenant's data, and integrators' tools fetch it before they have a token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from okr_shared.api_models import problems
from okr_shared.contracts.asyncapi import SCHEMA_PATH, document, schema_files
from okr_shared.problems import Problem
from okr_shared.settings import KafkaSettings

ASYNCAPI_PATH = "/asyncapi.json"


class AsyncApiDocument(BaseModel):
    """An AsyncAPI 3.0 document (`okr_shared.contracts.asyncapi`)."""

    model_config = ConfigDict(extra="allow")

    asyncapi: str
    info: dict[str, Any]
    servers: dict[str, Any]
    channels: dict[str, Any]
    operations: dict[str, Any]
    components: dict[str, Any]


def asyncapi_router(service: str | None, kafka: KafkaSettings) -> APIRouter:
    """The routes of the AsyncAPI document of `service` (the whole platform when None), with
    topic names and the Kafka server from `kafka`; the document is built on first request."""
    router = APIRouter(tags=["ops"])
    built: dict[str, Any] = {}

    @router.get(ASYNCAPI_PATH, response_model=AsyncApiDocument)
    def asyncapi() -> JSONResponse:
        """The AsyncAPI 3.0 document of the events sent and received here."""
        if not built:
            built.update(document(service, kafka))
        return JSONResponse(built)

    @router.get(
        f"/{SCHEMA_PATH}/{{context}}/{{file_name}}",
        response_model=dict[str, Any],
        responses=problems(404),
    )
    def contract(context: str, file_name: str) -> JSONResponse:
        """One contract's JSON Schema (draft 2020-12), as the AsyncAPI document references it."""
        schema = schema_files().get(f"{SCHEMA_PATH}/{context}/{file_name}")
        if schema is None:
            raise Problem(
                404,
                "Contract not found",
                f"No contract {context}/{file_name}; files are named <Event>.v<N>.json.",
                kind="not-found",
                errors=[{"pointer": "path:file_name", "detail": "no such contract"}],
            )
        return JSONResponse(schema)

    return router
