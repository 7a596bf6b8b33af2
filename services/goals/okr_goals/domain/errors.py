"""Typed errors of the goal domain; entry points turn them into problem details."""

from __future__ import annotations


class GoalsError(Exception):
    """Base of every goal-domain error."""


class InvalidField(GoalsError):
    """A command field breaks a domain rule; `field` is a JSON pointer into the command."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ObjectiveNotFound(GoalsError):
    """No objective with that id is visible to the tenant."""


class KeyResultNotFound(GoalsError):
    """The objective has no key result with that id."""

    def __init__(self, key_result_id: str) -> None:
        super().__init__(f"key result {key_result_id} not found")
        self.key_result_id = key_result_id


class VersionConflict(GoalsError):
    """The objective changed since the version the caller expected."""

    def __init__(self, expected: int, actual: int | None) -> None:
        super().__init__(f"expected version {expected}, objective is at {actual}")
        self.expected = expected
        self.actual = actual


class IdempotencyConflict(GoalsError):
    """An idempotency key was reused for a different request."""
