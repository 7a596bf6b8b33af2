"""Finding the built files on disk."""

from __future__ import annotations

from pathlib import Path

from okr_web.assets.domain import relative_file


class Build:
    """The front end's build folder (`dist/`), looked at on every request so a build made while
    the server runs is served at once."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist

    @property
    def index(self) -> Path:
        return self.dist / "index.html"

    def built(self) -> bool:
        return self.index.is_file()

    def file(self, path: str) -> Path | None:
        """The file the path names inside the build, or None (never a file outside it)."""
        relative = relative_file(path)
        if relative is None:
            return None
        root = self.dist.resolve()
        candidate = (root / relative).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate
