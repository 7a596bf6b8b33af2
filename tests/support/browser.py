"""The web front end for browser tests: built from its current sources, and its browser suites
(`node --test` files under services/web/frontend/e2e, playwright-core driving Debian's Chromium)
run against a web server."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.support.web import ROOT

FRONTEND = Path(os.environ.get("OKR_WEB_FRONTEND", ROOT / "services" / "web" / "frontend"))
SCREENSHOTS = Path(os.environ.get("OKR_STATE", ROOT / ".state")).resolve() / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NPM_SECONDS = 900


def npm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["npm", *args],
        cwd=FRONTEND,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=NPM_SECONDS,
    )


def check_browser_tools() -> None:
    """Fails with what is missing when the front end, npm or Chromium is not there."""
    assert (FRONTEND / "package.json").is_file(), (
        f"{FRONTEND / 'package.json'} is missing: the web front end (Vite/React, built on its own "
        "branch) is not in this checkout, so the browser tests cannot run"
    )
    assert shutil.which("npm"), "npm is needed for the browser tests"
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: run deploy/local/chromium.sh install"


def built_front_end() -> None:
    """Installs the front end's packages when missing, then builds it from its current sources."""
    if not (FRONTEND / "node_modules").is_dir():
        done = npm("ci", "--no-audit", "--no-fund")
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    done = npm("run", "build")
    assert done.returncode == 0, (
        f"npm run build failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
