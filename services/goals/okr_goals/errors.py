"""Errors of the goal domain: the platform's typed errors, plus those only goals raise."""

from __future__ import annotations

from okr_shared.errors import (
    AlreadyExists,
    Conflict,
    Forbidden,
    IdempotencyConflict,
    InvalidField,
    NotFound,
    Rejected,
    UnknownReference,
    VersionConflict,
)

ImportRejected = Rejected


class AlignmentCycle(InvalidField):
    """The requested link would make the alignment graph circular."""

    title = "Alignment cycle"
    kind = "alignment-cycle"


class CycleLocked(Conflict):
    """The cycle is closed: only an admin's reasoned correction may change it."""

    title = "Cycle closed"
    kind = "cycle-closed"


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


__all__ = [
    "AlignmentCycle",
    "AlreadyExists",
    "Conflict",
    "CycleLocked",
    "CycleNotFound",
    "Forbidden",
    "IdempotencyConflict",
    "ImportRejected",
    "InitiativeNotFound",
    "InvalidField",
    "KeyResultNotFound",
    "NotFound",
    "ObjectiveNotFound",
    "OrgUnitNotFound",
    "PersonNotFound",
    "ProposalNotFound",
    "UnknownReference",
    "VersionConflict",
]
