"""The erasure command and what it answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErasePersonalData:
    person_id: str
    reason: str


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: the fields erased here, how many keys were deleted, and whether the
    person had been erased before (then no event is stored again)."""

    person_id: str
    reason: str
    fields: tuple[str, ...]
    keys_deleted: int
    already_erased: bool
    version: int
