"""The built web app: files of `dist/` with long caching for hashed assets and revalidation for
index.html, index.html for the app's own routes, 404 for missing assets and API paths, and a clear
503 page while nothing is built."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from okr_web.assets.domain import IMMUTABLE, REVALIDATE, cache_control, falls_back, relative_file
from tests.support.web import web_app

INDEX = "<!doctype html><html><body><div id=root></div></body></html>"
SCRIPT = "console.log('okr')"


@pytest.fixture
def dist(tmp_path):
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-DiwrgTda.js").write_text(SCRIPT)
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return root


@pytest.fixture
def client(dist):
    with TestClient(web_app(dist_dir=dist)) as c:
        yield c


def test_index_is_served_and_revalidated(client) -> None:
    for path in ("/", "/index.html"):
        r = client.get(path)
        assert r.status_code == 200 and r.text == INDEX, path
        assert r.headers["cache-control"] == REVALIDATE
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["x-content-type-options"] == "nosniff"


def test_hashed_assets_are_cached_for_a_year(client) -> None:
    r = client.get("/assets/index-DiwrgTda.js")
    assert r.status_code == 200 and r.text == SCRIPT
    assert r.headers["cache-control"] == IMMUTABLE
    assert "javascript" in r.headers["content-type"]
    assert client.get("/favicon.svg").headers["cache-control"] == REVALIDATE


@pytest.mark.parametrize(
    "path",
    ["/signin", "/my", "/tree/2026-Q3", "/dashboard/2026-Q3", "/history/2026-Q3", "/objectives/o1"],
)
def test_the_app_routes_fall_back_to_index(client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.text == INDEX
    assert r.headers["cache-control"] == REVALIDATE


def test_a_head_request_answers_like_get_without_a_body(client) -> None:
    r = client.head("/tree/2026-Q3")
    assert r.status_code == 200 and r.content == b""


@pytest.mark.parametrize(
    "path", ["/assets/missing-AbCdEf12.js", "/api", "/api/", "/auth/unknown", "/health/other"]
)
def test_missing_assets_and_unknown_api_paths_are_404_problems(client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404, path
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"])
def test_no_file_outside_the_build_is_served(client, path: str) -> None:
    r = client.get(path)
    assert "outside the build" not in r.text


def test_a_missing_build_answers_a_clear_503_page(tmp_path) -> None:
    with TestClient(web_app(dist_dir=tmp_path / "nothing")) as c:
        r = c.get("/my")
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("text/html")
        assert "npm run build" in r.text and "services/web/frontend" in r.text
        assert r.headers["cache-control"] == "no-store"
        assert c.get("/auth/config").status_code == 200
        ready = c.get("/health/ready")
        assert ready.status_code == 503 and "web-app-build" in ready.json()["failed"]


def test_a_build_made_while_running_is_served_at_once(tmp_path) -> None:
    root = tmp_path / "dist"
    with TestClient(web_app(dist_dir=root)) as c:
        assert c.get("/").status_code == 503
        root.mkdir()
        (root / "index.html").write_text(INDEX)
        assert c.get("/").text == INDEX


def test_path_rules() -> None:
    assert relative_file("/assets/a.js") == "assets/a.js"
    assert relative_file("/a/../b") is None and relative_file("/") is None
    assert falls_back("/tree/q") and falls_back("/") and not falls_back("/api/goals")
    assert cache_control("assets/vendor-B3xYz9_q.css") == IMMUTABLE
    assert cache_control("apple-touch-icon.png") == REVALIDATE
    assert cache_control("assets/logo.svg") == REVALIDATE


def test_the_api_description_is_served_and_documents_the_proxy(client) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "502" in paths["/api/{service}/{path}"]["get"]["responses"]
    assert {"/auth/config", "/auth/dev/people", "/auth/dev/token"} <= set(paths)
