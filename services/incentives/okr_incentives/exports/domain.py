"""Payroll exports of a cycle's awards ledger: the rows, their CSV and JSON files, and the record
of an export.

An export covers the cycle's ledger (the `CycleAwards` aggregate) at one position, its version.
One row per person with entries, ordered by person id:

- `points` and `multiplier`: the sums of the person's entries in the cycle (the grant and every
  adjustment), so the rows add up to the ledger;
- `badges`: every badge of the entries, in order (none until recognition grants some);
- `entry_ids`: the award id, then each adjustment id; `review_event_ids`: the ids of the review
  events the entries stand on, each once, in order.

The files hold nothing but the ledger at that position and the export's id, so the same position
gives the same bytes. CSV: RFC 4180 (CRLF, quotes where needed), UTF-8, a header row, lists joined
by `;`; a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with
`'` so no spreadsheet reads it as a formula. JSON: sorted keys, no insignificant whitespace, UTF-8.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_incentives.awards.domain import entry_total
from okr_shared.contracts.vocabulary import EXPORT_FORMATS, choose

CSV, JSON = choose(EXPORT_FORMATS, "csv", "json")
MEDIA_TYPES = {CSV: "text/csv; charset=utf-8", JSON: "application/json"}
COLUMNS = (
    "person_id",
    "org_unit_id",
    "award_id",
    "points",
    "multiplier",
    "badges",
    "entry_ids",
    "review_event_ids",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Row = dict[str, Any]


def _once(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def row_of(person_id: str, award: dict[str, Any]) -> Row:
    """A person's row from their award in the ledger (the award id and its entries)."""
    entries = award["entries"]
    points, multiplier = entry_total(entries)
    latest = entries[-1]["inputs"]
    return {
        "person_id": person_id,
        "org_unit_id": latest.get("org_unit_id"),
        "award_id": award["award_id"],
        "points": points,
        "multiplier": multiplier,
        "badges": _once([b for e in entries for b in e["badges"]]),
        "entry_ids": [e["entry_id"] for e in entries],
        "review_event_ids": _once([ev["event_id"] for e in entries for ev in e["evidence"]]),
        "entries": [
            {
                "entry_id": e["entry_id"],
                "kind": e["kind"],
                "points": e["points"],
                "multiplier": e["multiplier"],
                "source_event_id": e["source_event_id"],
                "review_event_ids": _once([ev["event_id"] for ev in e["evidence"]]),
            }
            for e in entries
        ],
    }


def rows_of(awards: dict[str, dict[str, Any]]) -> list[Row]:
    """Every person's row, by person id."""
    return [row_of(person_id, awards[person_id]) for person_id in sorted(awards)]


def totals_of(rows: list[Row]) -> dict[str, int]:
    return {
        "points": sum(r["points"] for r in rows),
        "entries": sum(len(r["entry_ids"]) for r in rows),
    }


def safe_cell(text: str | None) -> str:
    """A text cell no spreadsheet evaluates: a leading formula character is quoted away."""
    if text is None:
        return ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: list[Row]) -> bytes:
    """The rows as an RFC 4180 CSV file with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                safe_cell(r["person_id"]),
                safe_cell(r["org_unit_id"]),
                safe_cell(r["award_id"]),
                str(r["points"]),
                repr(float(r["multiplier"])),
                safe_cell(";".join(r["badges"])),
                safe_cell(";".join(r["entry_ids"])),
                safe_cell(";".join(r["review_event_ids"])),
            ]
        )
    return out.getvalue().encode("utf-8")


def to_json(header: dict[str, Any], rows: list[Row]) -> bytes:
    """The export's header and rows as one canonical JSON document."""
    document = {**header, "people": rows}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def render(header: dict[str, Any], awards: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    """The export's files by format, from its header (export id, cycle, policy, position) and the
    ledger's awards."""
    rows = rows_of(awards)
    full = {**header, "rows": len(rows), "totals": totals_of(rows)}
    return {CSV: to_csv(rows), JSON: to_json(full, rows)}


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_facts(files: dict[str, bytes]) -> list[dict[str, Any]]:
    """What the export event says of each file: format, media type, SHA-256 and size."""
    return [
        {
            "format": fmt,
            "media_type": MEDIA_TYPES[fmt],
            "sha256": digest(files[fmt]),
            "bytes": len(files[fmt]),
        }
        for fmt in EXPORT_FORMATS
        if fmt in files
    ]


class PayrollExport(Aggregate):
    """One export of a cycle's ledger at a position, recorded once for HR integrators."""

    @event("Exported")
    def __init__(
        self,
        tenant_id: str,
        export_id: str,
        cycle_id: str,
        policy_id: str,
        policy_version: int,
        ledger_position: int,
        rows: int,
        totals: dict[str, int],
        files: list[dict[str, Any]],
        meta: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id
        self.export_id = export_id
        self.cycle_id = cycle_id
        self.policy_id = policy_id
        self.policy_version = policy_version
        self.ledger_position = ledger_position
        self.rows = rows
        self.totals = totals
        self.files = files
        self.by = meta["actor_id"]
        self.at = meta["at"]

    @classmethod
    def record(cls, aggregate_id: Any, **fields: Any) -> PayrollExport:
        return cls._create(cls.Exported, id=aggregate_id, **fields)

    def sha256_of(self, fmt: str) -> str | None:
        return next((f["sha256"] for f in self.files if f["format"] == fmt), None)
