"""What the goal routes share: the application and the refusal of null changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from okr_goals.service import GoalsApplication
from okr_shared.problems import Problem, field_error


def application(request: Request) -> GoalsApplication:
    return request.app.state.container.application


App = Annotated[GoalsApplication, Depends(application)]


def reject_nulls(changes: dict[str, Any], nullable: tuple[str, ...] = ()) -> None:
    nulls = [k for k, v in changes.items() if v is None and k not in nullable]
    if nulls:
        raise Problem(
            422,
            "Invalid request",
            "Fields cannot be set to null.",
            kind="validation",
            errors=[field_error(f"#/{k}", "must not be null") for k in nulls],
        )
