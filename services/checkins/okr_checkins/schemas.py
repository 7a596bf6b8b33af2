"""What the HTTP bodies and answers of every check-in feature share."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from okr_shared.api_models import problem_response

Key = Annotated[str, Field(min_length=1, max_length=100)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Part = Annotated[str, Field(max_length=4000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


NOT_KNOWN_YET: dict[int | str, dict[str, Any]] = {
    503: {
        **problem_response(503),
        "description": "Not known yet (problem type not-known-yet): the refusal would rest on goal "
        "knowledge this service may not have learned yet; retry after Retry-After",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
}
