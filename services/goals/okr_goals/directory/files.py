"""Reads HR exports (CSV or JSON) into import rows, keeping each row's position for error
reports."""

from __future__ import annotations

import csv
import io
from typing import Any

from okr_goals.directory.commands import ImportDirectory, ImportRow
from okr_shared.text import shown, text_fault

ORG_UNIT_COLUMNS = ("org_unit_id", "name", "kind", "parent_id")
PERSON_COLUMNS = ("person_id", "name", "email", "manager_id", "org_unit_id", "locale", "status")


class UnreadableFile(Exception):
    """The file cannot be read as the declared format; `pointer` says where."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


def from_json(document: dict[str, list[dict[str, Any]]]) -> ImportDirectory:
    """Rows of a JSON export `{"org_units": [...], "people": [...]}`; the line is the 1-based item
    number."""
    sections = {}
    for section in ("org_units", "people"):
        items = document.get(section) or []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise UnreadableFile(f"#/{section}/{i}", "must be an object")
        sections[section] = tuple(ImportRow(i, i + 1, dict(item)) for i, item in enumerate(items))
    return ImportDirectory(org_units=sections["org_units"], people=sections["people"])


def from_csv(text: str, entity: str) -> ImportDirectory:
    """Rows of a CSV export of org units or people, with a header line; the line is the file's line
    number."""
    columns = ORG_UNIT_COLUMNS if entity == "org_units" else PERSON_COLUMNS
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in columns]
    if unknown or columns[0] not in header:
        raise UnreadableFile(
            "#/header",
            f"columns must be among {', '.join(columns)} and include {columns[0]}; "
            f"unknown: {', '.join(unknown) or 'none'}",
        )
    rows = []
    try:
        for i, record in enumerate(reader):
            if None in record:
                raise UnreadableFile(
                    f"#/{entity}/{i}", f"line {reader.line_num} has more fields than the header"
                )
            for name, value in record.items():
                fault = text_fault(value or "")
                if fault:
                    raise UnreadableFile(
                        f"#/{entity}/{i}/{shown(name)}", f"line {reader.line_num}: {fault}"
                    )
            rows.append(ImportRow(i, reader.line_num, {k: v for k, v in record.items() if v != ""}))
    except csv.Error as exc:
        raise UnreadableFile("#", f"not valid CSV: {exc}") from exc
    if entity == "org_units":
        return ImportDirectory(org_units=tuple(rows))
    return ImportDirectory(people=tuple(rows))
