"""RFC 9457 problem details for every HTTP API, with the offending fields named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from okr_shared.errors import (
    Contended,
    DomainError,
    IdempotencyConflict,
    InvalidField,
    NotFound,
    Rejected,
    StoreUnavailable,
    VersionConflict,
)
from okr_shared.text import shown

PROBLEM_JSON = "application/problem+json"
_TYPE_BASE = "https://okr-platform.dev/problems/"


class Problem(Exception):
    """An error answered as problem details; `errors` list the fields at fault."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        kind: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.errors = errors or []
        self.headers = headers or {}


def field_error(pointer: str, detail: str) -> dict[str, str]:
    """One entry of `errors`: a JSON pointer into the request body and what is wrong there."""
    return {"pointer": pointer, "detail": detail}


def problem_response(problem: Problem, instance: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": _TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if instance:
        body["instance"] = instance
    if problem.errors:
        body["errors"] = problem.errors
    return JSONResponse(
        body, status_code=problem.status, media_type=PROBLEM_JSON, headers=problem.headers
    )


def _pointer(loc: tuple[Any, ...]) -> str:
    """`#/a/0/b` for a body field; `query:name`, `path:name` or `header:name` for a parameter."""
    parts = [shown(str(p)) for p in loc]
    if parts and parts[0] == "body":
        return "#/" + "/".join(parts[1:])
    if len(parts) >= 2 and parts[0] in ("query", "path", "header", "cookie"):
        return f"{parts[0]}:" + "/".join(parts[1:])
    return "/".join(parts)


def _validation_problem(exc: RequestValidationError) -> Problem:
    errors = []
    malformed = False
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            malformed = True
            ctx = err.get("ctx") or {}
            errors.append(field_error("#", f"malformed JSON: {ctx.get('error', err.get('msg'))}"))
            continue
        message = err.get("msg", "invalid")
        if err.get("type") == "extra_forbidden":
            message = "unknown field"
        errors.append(field_error(_pointer(tuple(err.get("loc", ()))), message))
    if malformed:
        return Problem(
            400,
            "Malformed request body",
            "The request body is not valid JSON.",
            kind="malformed-json",
            errors=errors,
        )
    fields = ", ".join(e["pointer"] for e in errors)
    return Problem(
        422,
        "Invalid request",
        f"The request has invalid fields: {fields}.",
        kind="validation",
        errors=errors,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Answers every error of the app as problem details."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(_validation_problem(exc), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        return problem_response(
            Problem(
                exc.status_code,
                title,
                str(exc.detail),
                kind=f"http-{exc.status_code}",
                headers=dict(exc.headers or {}),
            ),
            request.url.path,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, UNREACHABLE):
            return problem_response(problem_from(StoreUnavailable()), request.url.path)
        return problem_response(
            Problem(
                500, "Internal error", "The server could not complete the request.", kind="internal"
            ),
            request.url.path,
        )


def problem_from(exc: DomainError) -> Problem:
    """The problem-details answer for a domain error, naming the field at fault."""
    if isinstance(exc, InvalidField):
        errors = [field_error(exc.field, exc.message)]
    elif isinstance(exc, VersionConflict):
        errors = [field_error("#/expected_version", f"the current version is {exc.actual}")]
    elif isinstance(exc, IdempotencyConflict):
        errors = [field_error("header:Idempotency-Key", "already used for a different request")]
    elif isinstance(exc, Rejected):
        errors = exc.errors
    else:
        errors = []
    detail = f"No {exc.what} {exc.key} in this tenant." if isinstance(exc, NotFound) else str(exc)
    return Problem(exc.status, exc.title, detail, kind=exc.kind, errors=errors, headers=exc.headers)


UNREACHABLE = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    StoreOperationalError,
    StoreInterfaceError,
)
"""Errors of a database that is down, restarting or cut off, not of the request."""


async def call(fn: Callable[..., Any], *args: Any) -> Any:
    """Runs a blocking application call off the event loop; domain errors become problem details."""
    try:
        return await run_in_threadpool(fn, *args)
    except DomainError as exc:
        raise problem_from(exc) from exc
    except IntegrityError as exc:
        raise problem_from(Contended()) from exc
    except UNREACHABLE as exc:
        raise problem_from(StoreUnavailable()) from exc
