"""A service that does not answer: the error, its 502 problem and how routes document it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from okr_shared.api_models import ProblemOut
from okr_shared.problems import PROBLEM_JSON


class Unavailable(Exception):
    """A service did not answer (refused, timed out, broke the connection, or failed)."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(detail)
        self.service = service
        self.detail = detail


class ServiceUnavailableOut(ProblemOut):
    """A 502 problem naming the service that did not answer."""

    service: str


UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    502: {
        "description": "A service did not answer; `service` names it",
        "content": {PROBLEM_JSON: {"schema": ServiceUnavailableOut.model_json_schema()}},
    }
}


async def unavailable_response(request: Request, exc: Exception) -> JSONResponse:
    """The 502 problem of an Unavailable error (the app's exception handler)."""
    assert isinstance(exc, Unavailable)
    body = ServiceUnavailableOut(
        type="https://okr-platform.dev/problems/service-unavailable",
        title="Service unavailable",
        status=502,
        detail=exc.detail,
        instance=request.url.path,
        service=exc.service,
    )
    return JSONResponse(
        body.model_dump(exclude={"errors"}), status_code=502, media_type=PROBLEM_JSON
    )
