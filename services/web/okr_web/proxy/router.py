"""`/api/<service>/...`: forwarded to the service, no token checked here (the service checks)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from okr_shared.api_models import problems
from okr_shared.problems import Problem
from okr_web.proxy.domain import UnsafePath
from okr_web.proxy.handlers import Forwarder, Outgoing
from okr_web.unavailable import UNAVAILABLE

router = APIRouter(tags=["proxy"])

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
RESPONSES = {**problems(400, 404, 413), **UNAVAILABLE}


def _raw_rest(request: Request) -> str:
    """The request path after `/api/<service>`, as the client encoded it."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.scope["path"])
    return "/".join(path.split("?", 1)[0].split("/")[3:])


async def _forward(request: Request, service: str) -> Response:
    forwarder: Forwarder = request.app.state.container.forwarder
    if not forwarder.knows(service):
        raise Problem(
            404,
            "Not found",
            f"No service {service!r} behind /api/; known: {', '.join(forwarder.services)}.",
            kind="not-found",
            errors=[{"pointer": "path:service", "detail": "unknown service"}],
        )
    outgoing = Outgoing(
        method=request.method,
        raw_rest=_raw_rest(request),
        query=request.scope.get("query_string", b""),
        headers=request.headers.items(),
        body=await request.body(),
        client_host=request.client.host if request.client else None,
        scheme=request.url.scheme,
        host=request.headers.get("host"),
    )
    try:
        answer = await forwarder.forward(service, outgoing)
    except UnsafePath as exc:
        raise Problem(
            400,
            "Path not allowed",
            str(exc),
            kind="unsafe-path",
            errors=[{"pointer": "path:path", "detail": str(exc)}],
        ) from exc
    response = StreamingResponse(answer.body(), status_code=answer.status)
    response.raw_headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in answer.headers]
    return response


async def service_root(request: Request, service: str) -> Response:
    """Forwards to the service's root path."""
    return await _forward(request, service)


async def forward(request: Request, service: str, path: str) -> Response:
    """Forwards method, path, query, body and headers (hop-by-hop ones dropped) to the service's
    `/<path>`, streams its answer back; 502 when the service does not answer."""
    return await _forward(request, service)


# One route per method and path, each with its own operation in the API description.
for _method in METHODS:
    for _path, _endpoint in (
        ("/api/{service}", service_root),
        ("/api/{service}/{path:path}", forward),
    ):
        router.add_api_route(
            _path,
            _endpoint,
            methods=[_method],
            operation_id=f"{_endpoint.__name__}_{_method.lower()}",
            response_class=Response,
            responses=RESPONSES,
        )
