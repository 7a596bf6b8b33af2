"""The check-in application as a typed dependency of the feature routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from okr_checkins.store import CheckinsApplication


def application(request: Request) -> CheckinsApplication:
    return request.app.state.container.application


App = Annotated[CheckinsApplication, Depends(application)]
