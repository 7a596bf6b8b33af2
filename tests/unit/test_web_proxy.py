"""The web server's proxy: `/api/<service>/...` reaches the service's `/...` with method, path,
query, body and end-to-end headers kept, hop-by-hop headers dropped both ways, 502 naming a service
that does not answer, never a path outside the service, 404 for an unknown service."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from okr_web.proxy.domain import UnsafePath, request_headers, upstream_path
from tests.support.processes import free_port
from tests.support.web import asgi, echo, seen_headers, web_app


class Recording:
    """The echo upstream, counting the requests that reached it."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await echo(scope, receive, send)


@pytest.fixture
def upstream() -> Recording:
    return Recording()


@pytest.fixture
def client(upstream: Recording, tmp_path):
    transports = {"goals": asgi(upstream), "checkins": asgi(upstream)}
    with TestClient(web_app(transports, dist_dir=tmp_path / "dist")) as c:
        yield c


def test_path_and_query_reach_the_service_as_sent_without_a_token(client) -> None:
    r = client.get("/api/goals/v1/cycles/q%201/tree?as_of=2026-01-01T00%3A00%3A00Z&x=1&x=2")
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["method"] == "GET"
    assert seen["path"] == "/v1/cycles/q 1/tree"
    assert seen["raw_path"] == "/v1/cycles/q%201/tree"
    assert seen["query"] == "as_of=2026-01-01T00%3A00%3A00Z&x=1&x=2"
    assert "authorization" not in seen_headers(seen)


def test_the_service_root_and_a_trailing_slash_are_kept(client) -> None:
    assert client.get("/api/goals").json()["path"] == "/"
    assert client.get("/api/goals/v1/cycles/").json()["path"] == "/v1/cycles/"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_method_body_and_end_to_end_headers_are_kept(client, method: str) -> None:
    headers = {
        "Authorization": "Bearer abc.def.ghi",
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": "key-1",
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "Accept-Language": "zh-CN",
    }
    body = '{"value": 42, "note": {"progress": "进展"}}'.encode()
    r = client.request(method, "/api/checkins/v1/check-ins", content=body, headers=headers)
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["method"] == method and seen["path"] == "/v1/check-ins"
    assert seen["body"].encode("latin-1") == body
    got = seen_headers(seen)
    for name, value in headers.items():
        assert got[name.lower()] == [value], name
    assert got["content-length"] == [str(len(body))]


def test_hop_by_hop_request_headers_are_dropped(client) -> None:
    r = client.get(
        "/api/goals/v1/cycles",
        headers={
            "Connection": "keep-alive, x-connection-only",
            "X-Connection-Only": "1",
            "Keep-Alive": "timeout=5",
            "TE": "trailers",
            "Upgrade": "websocket",
            "Proxy-Authorization": "Basic c2VjcmV0",
            "X-End-To-End": "kept",
        },
    )
    got = seen_headers(r.json())
    for name in ("x-connection-only", "keep-alive", "te", "upgrade", "proxy-authorization"):
        assert name not in got, name
    assert got.get("connection", []) != ["keep-alive, x-connection-only"]
    assert got["x-end-to-end"] == ["kept"]
    assert got["x-forwarded-proto"] == ["http"] and got["x-forwarded-host"] == ["testserver"]


def test_hop_by_hop_response_headers_are_dropped_and_repeated_ones_kept(client) -> None:
    r = client.get("/api/goals/hop")
    assert r.status_code == 200
    assert "keep-alive" not in r.headers and "x-connection-only" not in r.headers
    assert r.headers.get("connection") != "close, x-connection-only"
    assert r.headers["x-kept"] == "yes"
    assert r.headers.get_list("set-cookie") == ["a=1", "b=2"]


@pytest.mark.parametrize("status", [201, 204, 401, 404, 409, 422, 503])
def test_the_service_status_is_passed_back(client, status: int) -> None:
    assert client.get(f"/api/goals/status/{status}").status_code == status


def test_a_service_that_does_not_answer_is_a_502_problem_naming_it(tmp_path) -> None:
    app = web_app(
        goals_url=f"http://127.0.0.1:{free_port()}", connect_timeout_seconds=1.0, dist_dir=tmp_path
    )
    with TestClient(app) as c:
        r = c.post("/api/goals/v1/cycles", json={"cycle_id": "q1"})
    assert r.status_code == 502
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["title"] == "Service unavailable" and problem["service"] == "goals"
    assert "goals" in problem["detail"] and problem["status"] == 502


@pytest.mark.parametrize(
    "path",
    [
        "/api/goals/%2e%2e/checkins/v1/check-ins",
        "/api/goals/v1/%2E%2E/%2e%2e/admin",
        "/api/goals/v1/./cycles".replace("/./", "/%2e/"),
        "/api/goals/v1%2F..%2Fsecret",
        "/api/goals/..%5Csecret",
        "/api/goals/v1/%00",
    ],
)
def test_no_path_leaves_the_service_prefix(client, upstream: Recording, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 400, (path, r.text)
    assert r.json()["errors"][0]["pointer"] == "path:path"
    assert upstream.calls == 0


@pytest.mark.parametrize("rest", ["../x", "a/../../x", "./x", "a%2f..", "%2E%2e/x", "a\\..\\x"])
def test_the_upstream_path_refuses_every_spelling_of_dot_segments(rest: str) -> None:
    with pytest.raises(UnsafePath):
        upstream_path(rest)


def test_the_upstream_path_keeps_the_encoding_of_allowed_segments() -> None:
    assert upstream_path("v1/people/ana%40shopco.example") == "/v1/people/ana%40shopco.example"
    assert upstream_path("") == "/"


def test_literal_dot_segments_sent_raw_are_refused(client, upstream: Recording) -> None:
    app = client.app
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/goals/../checkins/v1",
        "raw_path": b"/api/goals/../checkins/v1",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "root_path": "",
        "app": app,
    }
    client.portal.call(app, scope, receive, send)
    assert sent[0]["status"] == 400 and upstream.calls == 0


def test_an_unknown_service_is_404(client, upstream: Recording) -> None:
    r = client.get("/api/payroll/v1/anything")
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "path:service"
    assert client.get("/api/").status_code == 404
    assert upstream.calls == 0


def test_a_body_above_the_platform_limit_is_refused_before_the_service(
    upstream: Recording, tmp_path
) -> None:
    app = web_app({"goals": asgi(upstream)}, dist_dir=tmp_path, http={"max_body_bytes": 1000})
    with TestClient(app) as c:
        assert c.post("/api/goals/v1/x", content=b"x" * 1000).status_code == 200
        r = c.post("/api/goals/v1/x", content=b"x" * 1001)
    assert r.status_code == 413 and upstream.calls == 1


def test_forwarded_for_lists_the_client_after_earlier_proxies() -> None:
    kept = request_headers(
        [("x-forwarded-for", "10.0.0.1"), ("host", "web"), ("content-length", "3")],
        "10.0.0.2",
        "https",
        "okr.example",
    )
    assert ("x-forwarded-for", "10.0.0.1, 10.0.0.2") in kept
    assert ("x-forwarded-proto", "https") in kept
    assert not [n for n, _ in kept if n in ("host", "content-length")]


def test_the_readiness_check_asks_each_named_service(upstream: Recording, tmp_path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<html></html>")
    app = web_app(
        {"goals": asgi(upstream)},
        dist_dir=dist,
        ready_services=("goals", "checkins"),
        checkins_url=f"http://127.0.0.1:{free_port()}",
    )
    with TestClient(app) as c:
        r = c.get("/health/ready")
        assert r.status_code == 503 and r.json()["failed"] == ["checkins"]
        assert c.get("/health/live").status_code == 200


def test_an_event_stream_is_never_cut_by_the_read_timeout(tmp_path) -> None:
    seen: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        events = httpx.ByteStream(b"data: 1\n\n")
        return httpx.Response(200, stream=events, headers={"content-type": "text/event-stream"})

    app = web_app(
        {"projections": httpx.MockTransport(answer)}, dist_dir=tmp_path, read_timeout_seconds=7
    )
    with TestClient(app) as c:
        r = c.get("/api/projections/v1/events", headers={"Accept": "text/event-stream"})
        assert r.status_code == 200 and r.text == "data: 1\n\n"
        c.get("/api/projections/v1/cycles")
    assert seen[0]["read"] is None and seen[1]["read"] == 7
