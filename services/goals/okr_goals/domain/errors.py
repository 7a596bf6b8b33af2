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


class UnknownReference(InvalidField):
    """A field names a cycle, org unit, person or objective that does not exist in the tenant."""


class AlignmentCycle(InvalidField):
    """The requested link would make the alignment graph circular."""


class CycleLocked(InvalidField):
    """The cycle is closed: only an admin's reasoned correction may change it."""


class Forbidden(InvalidField):
    """The actor has no right to this change; `field` names what they may not do."""


class NotFound(GoalsError):
    """Base of lookups that found nothing visible to the tenant."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind = kind
        self.key = key


class ObjectiveNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("objective", key)


class KeyResultNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("key result", key)


class InitiativeNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("initiative", key)


class CycleNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("cycle", key)


class OrgUnitNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("org unit", key)


class PersonNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("person", key)


class ProposalNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("alignment proposal", key)


class VersionConflict(GoalsError):
    """The aggregate changed since the version the caller expected."""

    def __init__(self, expected: int, actual: int | None) -> None:
        super().__init__(f"expected version {expected}, found {actual}")
        self.expected = expected
        self.actual = actual


class IdempotencyConflict(GoalsError):
    """An idempotency key was reused for a different request."""


class AlreadyExists(GoalsError):
    """An aggregate with that key exists already, with different content."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ImportRejected(GoalsError):
    """An import file has broken rows; nothing of it was stored."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the import")
        self.errors = errors
