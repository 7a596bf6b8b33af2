"""The web app in headless Chromium against the whole running platform: the front end's own
browser tests (`npm run e2e` in services/web/frontend, playwright-core driving Debian's Chromium)
run against the web server in front of the real services holding the demo organisation.

Screenshots of every main screen are kept under `.state/screenshots` (not committed)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from okr_shared.identity import DevTokenIssuer
from tests.e2e.conftest import IncentiveService, ReviewService, Stack
from tests.support.browser import (
    CHROMIUM,
    FRONTEND,
    NPM_SECONDS,
    SCREENSHOTS,
    built_front_end,
    check_browser_tools,
    npm,
)
from tests.support.processes import Process, free_port, wait_for, wait_healthy
from tests.support.web import ROOT, demo_org

pytestmark = pytest.mark.e2e


@dataclass
class WebApp:
    url: str
    kickoff: str
    cycle_id: str
    process: Process


def _objectives(node: dict) -> int:
    return 1 + sum(_objectives(child) for child in node.get("children", []))


def _loaded(stack: Stack, issuer: DevTokenIssuer, cycle_id: str) -> None:
    """Waits until the projections serve the demo's whole tree of the current cycle."""
    demo = demo_org()
    token = issuer.issue(demo.TENANT, demo.CEO, ("admin",))
    expected = len(demo.CURRENT_OBJECTIVES)

    def complete() -> bool:
        r = httpx.get(
            f"{stack.projections_url}/v1/cycles/{cycle_id}/tree",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        return r.status_code == 200 and sum(map(_objectives, r.json()["roots"])) >= expected

    wait_for(complete, seconds=120, interval=0.5)


@pytest.fixture(scope="module")
def web(
    stack: Stack,
    reviews: ReviewService,
    incentives: IncentiveService,
    issuer: DevTokenIssuer,
) -> Iterator[WebApp]:
    """The demo organisation loaded into the whole platform (its previous quarter graded,
    rewarded and recognised), the front end built, and the web server in front of it."""
    demo = subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "local" / "demo_org.py"),
            stack.goals_url,
            stack.checkins_url,
            reviews.url,
            incentives.url,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert demo.returncode == 0, f"the demo organisation did not load:\n{demo.stderr[-4000:]}"
    _token, kickoff, cycle_id = demo.stdout.split()[:3]
    _loaded(stack, issuer, cycle_id)
    built_front_end()
    port = free_port()
    process = Process(
        "web",
        ["okr_web.cli", "serve", "--port", str(port)],
        {
            "OKR_WEB_GOALS_URL": stack.goals_url,
            "OKR_WEB_CHECKINS_URL": stack.checkins_url,
            "OKR_WEB_REVIEWS_URL": reviews.url,
            "OKR_WEB_INCENTIVES_URL": incentives.url,
            "OKR_WEB_PROJECTIONS_URL": stack.projections_url,
            "OKR_WEB_READY_SERVICES": "goals,checkins,reviews,incentives,projections",
            "OKR_WEB_DEV_TENANT": demo_org().TENANT,
            "OKR_WEB_DIST": str(FRONTEND / "dist"),
        },
    )
    process.start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health/ready", process)
        yield WebApp(f"http://127.0.0.1:{port}", kickoff, cycle_id, process)
    finally:
        process.stop()


@pytest.mark.timeout(NPM_SECONDS)
def test_the_web_app_passes_its_browser_tests_on_the_running_platform(request) -> None:
    check_browser_tools()
    app: WebApp = request.getfixturevalue("web")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    run = npm(
        "run",
        "e2e",
        env={
            "OKR_WEB_URL": app.url,
            "OKR_KICKOFF": app.kickoff,
            "OKR_CYCLE_ID": app.cycle_id,
            "OKR_SCREENSHOTS": str(SCREENSHOTS),
            "CHROMIUM": CHROMIUM,
        },
    )
    assert run.returncode == 0, (
        f"npm run e2e failed ({run.returncode}); web server log: {app.process.log_path}\n"
        f"--- stdout ---\n{run.stdout[-12000:]}\n--- stderr ---\n{run.stderr[-6000:]}"
    )
