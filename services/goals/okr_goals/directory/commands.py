"""Directory commands, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportRow:
    """One row of an import file: where it came from, and its fields as strings (or None)."""

    index: int
    line: int
    fields: dict[str, Any]


@dataclass(frozen=True)
class ImportDirectory:
    org_units: tuple[ImportRow, ...] = ()
    people: tuple[ImportRow, ...] = ()
