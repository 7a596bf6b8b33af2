"""What the features' contract mappings share: picking fields, and the fields every change
carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CHANGE = ("reason", "correction")

Mapper = Callable[[Any], dict[str, Any]]


def pick(*names: str) -> Mapper:
    return lambda e: {name: getattr(e, name) for name in names}
