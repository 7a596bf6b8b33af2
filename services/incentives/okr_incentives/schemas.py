"""What the HTTP bodies and answers of every incentive feature share."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from okr_shared.api_models import problem_response


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


NOT_KNOWN_YET: dict[int | str, dict[str, Any]] = {
    503: {
        **problem_response(503),
        "description": "Not known yet (problem type not-known-yet): the refusal would rest on "
        "directory, goal or review knowledge this service may not have learned yet; retry after "
        "Retry-After",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
}
