"""The web server in process: a fake upstream that echoes what it received, the goal service with
the demo directory, and the web app built with them."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from fastapi import FastAPI

from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.directory.commands import ImportDirectory
from okr_goals.http import create_http_app as goals_http
from okr_goals.settings import GoalsSettings
from okr_web.bootstrap import bootstrap
from okr_web.http import create_http_app
from okr_web.settings import WebSettings
from tests.support.org import caller, rows

ROOT = Path(__file__).resolve().parents[2]
HOP_RESPONSE = [
    (b"connection", b"close, x-connection-only"),
    (b"x-connection-only", b"1"),
    (b"keep-alive", b"timeout=5"),
    (b"x-kept", b"yes"),
    (b"set-cookie", b"a=1"),
    (b"set-cookie", b"b=2"),
]


def demo_org() -> ModuleType:
    """deploy/local/demo_org.py, imported by its path."""
    if "demo_org" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "demo_org", ROOT / "deploy" / "local" / "demo_org.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["demo_org"] = module
        spec.loader.exec_module(module)
    return sys.modules["demo_org"]


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An upstream that answers what it received as JSON; `/hop` answers hop-by-hop headers,
    `/status/<n>` that status."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path = scope["path"]
    status = int(path.rsplit("/", 1)[1]) if path.startswith("/status/") else 200
    seen = {
        "method": scope["method"],
        "path": path,
        "raw_path": scope.get("raw_path", b"").decode("latin-1"),
        "query": scope["query_string"].decode("latin-1"),
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "body": body.decode("latin-1"),
    }
    payload = json.dumps(seen).encode()
    headers = [(b"content-type", b"application/json")]
    if path == "/hop":
        headers += HOP_RESPONSE
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def seen_headers(answer: dict) -> dict[str, list[str]]:
    """The echoed request headers, by lower-case name."""
    found: dict[str, list[str]] = {}
    for name, value in answer["headers"]:
        found.setdefault(name.lower(), []).append(value)
    return found


def goals_with_demo_directory() -> FastAPI:
    """The goal service in memory holding the demo organisation's directory."""
    demo = demo_org()
    container = goals_bootstrap(
        GoalsSettings(event_store={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    )
    container.features.directory.import_directory(
        ImportDirectory(org_units=rows(demo.ORG_UNITS), people=rows(demo.PEOPLE)),
        caller("ceo", admin=True, tenant=demo.TENANT),
    )
    return goals_http(container, run_relay=False)


def web_app(
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None, **settings: Any
) -> FastAPI:
    """The web server with some services replaced by in-process apps (`transports`)."""
    return create_http_app(bootstrap(WebSettings(**settings), transports))


def asgi(app: Any) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=app)
