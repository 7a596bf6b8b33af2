"""Every other GET: a file of the build, else index.html for the app's own routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from okr_shared.api_models import problems
from okr_shared.problems import Problem
from okr_web.assets.domain import REVALIDATE, cache_control, falls_back
from okr_web.assets.handlers import Build

router = APIRouter(tags=["web app"])

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OKR: web app not built</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The web app is not built yet</h1>
<p>The web server runs, but it has no built front end in <code>{dist}</code>.</p>
<p>Build it with <code>npm ci &amp;&amp; npm run build</code> in
<code>services/web/frontend</code> (<code>make run</code> does this when it is missing), then
reload this page. The APIs under <code>/api/</code> work meanwhile.</p>
</body></html>
"""


def _not_built(build: Build) -> HTMLResponse:
    return HTMLResponse(
        NOT_BUILT.format(dist=build.dist),
        status_code=503,
        headers={"Cache-Control": "no-store", "Retry-After": "10", **SECURITY_HEADERS},
    )


RESPONSES: dict[int | str, dict] = {
    200: {"description": "A file of the build, or index.html for a route of the app"},
    503: {"description": "The front end is not built", "content": {"text/html": {}}},
    **problems(404),
}


@router.head(
    "/{path:path}", response_class=FileResponse, responses=RESPONSES, operation_id="asset_head"
)
@router.get(
    "/{path:path}", response_class=FileResponse, responses=RESPONSES, operation_id="asset_get"
)
async def asset(request: Request, path: str) -> Response:
    """A file of the built front end (hashed assets cached for a year, the rest revalidated);
    index.html for any other path outside /api, /auth, /health and /assets."""
    build: Build = request.app.state.container.build
    found = build.file(path)
    if found is not None:
        relative = found.relative_to(build.dist.resolve()).as_posix()
        headers = {"Cache-Control": cache_control(relative), **SECURITY_HEADERS}
        return FileResponse(found, headers=headers)
    if not falls_back(path):
        raise Problem(404, "Not found", f"Nothing at /{path}.", kind="not-found")
    if not build.built():
        return _not_built(build)
    return FileResponse(build.index, headers={"Cache-Control": REVALIDATE, **SECURITY_HEADERS})
