"""The AsyncAPI catalogue as tests check it: each service's in-process app, and the validator of
`tools/asyncapi-check` (node and @asyncapi/parser), installed with `npm ci` when missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from okr_incentives.bootstrap import bootstrap as incentives_bootstrap
from okr_incentives.http import create_http_app as incentives_http
from okr_incentives.settings import IncentivesSettings
from okr_projections.http import create_http_app as projections_http
from okr_reviews.bootstrap import bootstrap as reviews_bootstrap
from okr_reviews.http import create_http_app as reviews_http
from okr_reviews.settings import ReviewsSettings
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.apps import checkins_app, goals_app
from tests.support.checkins import World
from tests.support.projections_http import stub_container

TOOL = Path(__file__).parents[2] / "tools" / "asyncapi-check"
NPM_SECONDS = 600
NODE_SECONDS = 120


class NoReads:
    """Queries that fail the test if a request gets as far as reading."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the request reached the read model ({name})")


def _reviews() -> FastAPI:
    settings = ReviewsSettings(event_store={"REVIEWS_PERSISTENCE_MODULE": "eventsourcing.popo"})
    return reviews_http(reviews_bootstrap(settings, knowledge=MemoryKnowledge()), background=False)


def _incentives() -> FastAPI:
    settings = IncentivesSettings(
        event_store={"INCENTIVES_PERSISTENCE_MODULE": "eventsourcing.popo"}
    )
    container = incentives_bootstrap(settings, knowledge=MemoryKnowledge())
    return incentives_http(container, background=False)


SERVICE_APPS: dict[str, Callable[[], FastAPI]] = {
    "goals": goals_app,
    "checkins": lambda: checkins_app(World()),
    "reviews": _reviews,
    "incentives": _incentives,
    "projections": lambda: projections_http(stub_container(NoReads()), consume=False),
}
"""Each service's HTTP app over in-memory stores, without its background tasks."""


def _run(args: list[str], seconds: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=TOOL,
        env={**os.environ, "SCARF_ANALYTICS": "false"},
        capture_output=True,
        text=True,
        timeout=seconds,
    )


def installed() -> None:
    """Installs the validator's locked packages when node_modules is missing."""
    assert shutil.which("node") and shutil.which("npm"), "node and npm check the AsyncAPI documents"
    if not (TOOL / "node_modules").is_dir():
        done = _run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], NPM_SECONDS)
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


def validate(*files: Path) -> tuple[int, list[dict[str, Any]], str]:
    """The validator's exit code, its summary of each document (file, messages with the `$id`
    of their payloads) and its diagnostics."""
    installed()
    done = _run(["node", "validate.mjs", *map(str, files)], NODE_SECONDS)
    summaries = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, summaries, done.stderr
