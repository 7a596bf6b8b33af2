"""Which file of the build answers a path, and how long browsers may keep it (no I/O)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HASHED = re.compile(r"[-.][A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$")
"""Vite's hashed file names (`index-DiwrgTda.js`): their content never changes under a name."""

NOT_APP = ("api", "auth", "health", "assets")
"""First path segments never answered with index.html: the APIs, sign-in, health, and the
build's own asset folder (a missing script must be a 404, not an HTML page)."""


def relative_file(path: str) -> str | None:
    """The path as a file inside the build, or None when it would leave it or names no file."""
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts):
        return None
    return str(PurePosixPath(*parts))


def falls_back(path: str) -> bool:
    """Whether a path the build has no file for is a route of the app (answered by index.html)."""
    parts = [p for p in path.split("/") if p]
    return not parts or parts[0] not in NOT_APP


def cache_control(relative: str) -> str:
    """Long caching for the hashed files of the asset folder; every other file (index.html above
    all) revalidated."""
    hashed = relative.startswith("assets/") and HASHED.search(relative)
    return IMMUTABLE if hashed else REVALIDATE
