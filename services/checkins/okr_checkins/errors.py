"""Errors several features of the check-in service raise, beside the platform's typed errors."""

from __future__ import annotations

from okr_shared.errors import NotFound


class KeyResultNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("key result", key)


class ObjectiveNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("objective", key)
