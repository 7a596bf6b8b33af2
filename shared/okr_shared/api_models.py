"""What the HTTP APIs document in common: the problem-details body and a route's statuses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field

from okr_shared.problems import PROBLEM_JSON

MAX_OFFSET = 100_000
"""The deepest page start any list accepts; deeper reads narrow the filters instead."""
MAX_VERSION = 2**31 - 1
"""The highest aggregate version a query may name."""

Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"Items to skip, at most {MAX_OFFSET}")
]

STATUS_TITLES = {
    400: "Malformed request (the body is not JSON, or nests too deeply)",
    401: "Missing or invalid bearer token",
    403: "The caller may not do this",
    404: "Not found in the caller's tenant (or not visible to the caller)",
    409: "Conflict with the current state (stale expected_version, existing item, locked cycle)",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request: the fields at fault are named in `errors`",
    503: "Not available yet; retry after the time in Retry-After",
}


class FieldErrorOut(BaseModel):
    """One field at fault: a JSON pointer into the body (`#/...`), or `query:`, `path:`,
    `header:`."""

    pointer: str
    detail: str
    line: int | None = Field(default=None, description="The line of an import file's row")


class ProblemOut(BaseModel):
    """RFC 9457 problem details, answered as application/problem+json."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldErrorOut] = []


PROBLEM_SCHEMAS = {"ProblemOut": ProblemOut, "FieldErrorOut": FieldErrorOut}
_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemOut"}


def problem_response(status: int) -> dict[str, Any]:
    """The OpenAPI response of one problem status."""
    return {
        "description": STATUS_TITLES.get(status, "Problem"),
        "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
    }


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route for the problem statuses it can answer besides the shared ones
    (401, 422, and 400/413 where a body is read, which `create_app` documents on every route)."""
    return {status: problem_response(status) for status in statuses}


def document_problems(openapi: dict[str, Any], open_paths: frozenset[str]) -> dict[str, Any]:
    """Documents the answers every route shares as problems: 401 unless open, 422 on every
    authenticated route (FastAPI's default validation schema replaced), 400, 413 and 503 (a write
    that kept colliding with others, `Contended`) with a body."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    for name, model in PROBLEM_SCHEMAS.items():
        schemas[name] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for path, operations in openapi.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            shared = [] if is_open(path, open_paths) else [401, 422]
            if "requestBody" in operation:
                shared += [400, 413, 503]
            elif "422" in responses and "HTTPValidationError" in str(responses["422"]):
                shared.append(422)
            for status in shared:
                if str(status) not in responses or "HTTPValidationError" in str(
                    responses[str(status)]
                ):
                    responses[str(status)] = problem_response(status)
            operation["responses"] = dict(sorted(responses.items()))
    if "HTTPValidationError" not in str(openapi["paths"]):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return openapi


OPEN_PATHS = frozenset({"/health", "/asyncapi.json"})
OPEN_PREFIXES = ("/health/", "/asyncapi/")


def is_open(path: str, open_paths: frozenset[str]) -> bool:
    """Whether the path is served without a token: the health checks, the API documentation and
    the event catalogue (`asyncapi_routes`)."""
    return path in open_paths or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)
