"""HTTP route of the integration feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from okr_checkins.check_ins.schemas import report_from
from okr_checkins.feed.commands import FeedItem
from okr_checkins.feed.handlers import FeedHandlers
from okr_checkins.feed.schemas import FeedIn, FeedOut
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["check-ins"])


async def feed_handlers(request: Request) -> FeedHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.feed


Feed = Annotated[FeedHandlers, Depends(feed_handlers)]


@router.post(
    "/integrations/check-ins",
    responses={
        207: {"model": FeedOut, "description": "Some items were rejected; each result says why"},
        **problems(403),
    },
)
async def feed(body: FeedIn, response: Response, caller: CurrentCaller, handlers: Feed) -> FeedOut:
    """A batch of values from another system; each item has its own idempotency key and result."""
    items = [FeedItem(i.idempotency_key, i.key_result_id, report_from(i)) for i in body.items]
    results = await call(handlers.feed, items, caller)
    if any(r.status == "rejected" for r in results):
        response.status_code = 207
    return FeedOut.model_validate({"items": [r.__dict__ for r in results]})
