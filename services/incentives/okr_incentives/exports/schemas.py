"""Response bodies of payroll exports."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from okr_incentives.exports.domain import PayrollExport


class TotalsOut(BaseModel):
    points: int = Field(description="The sum of every row's points: of the cycle's entries")
    entries: int = Field(description="Ledger entries covered")


class FileOut(BaseModel):
    format: str = Field(description="csv or json")
    media_type: str
    sha256: str = Field(description="Hex SHA-256 of the file's bytes")
    bytes: int
    href: str = Field(description="Where to download it")


class ExportOut(BaseModel):
    """A payroll export: the cycle's ledger at a position, and its files."""

    export_id: str = Field(description="uuid5 of tenant, cycle and ledger position")
    cycle_id: str
    policy_id: str
    policy_version: int
    ledger_position: int = Field(description="The cycle ledger's version the export covers")
    rows: int = Field(description="People, one row each")
    totals: TotalsOut
    files: list[FileOut]
    by: str
    at: datetime


class EntryRowOut(BaseModel):
    entry_id: str = Field(description="The award id for the grant, else the adjustment id")
    kind: str = Field(description="granted or adjusted")
    points: int
    multiplier: float
    source_event_id: str | None
    review_event_ids: list[str]


class PersonRowOut(BaseModel):
    person_id: str
    org_unit_id: str | None
    award_id: str
    points: int = Field(description="The sum of the person's entries in the cycle")
    multiplier: float = Field(description="The sum of the entries' multipliers")
    badges: list[str]
    entry_ids: list[str]
    review_event_ids: list[str]
    entries: list[EntryRowOut]


class ExportFileOut(BaseModel):
    """The JSON file of an export (served as its exact bytes: sorted keys, no whitespace)."""

    export_id: str
    cycle_id: str
    policy_id: str
    policy_version: int
    ledger_position: int
    rows: int
    totals: TotalsOut
    people: list[PersonRowOut]


def export_out(export: PayrollExport) -> ExportOut:
    files = [{**f, "href": f"/v1/exports/{export.export_id}.{f['format']}"} for f in export.files]
    return ExportOut.model_validate(
        {
            **{
                k: getattr(export, k)
                for k in (
                    "export_id",
                    "cycle_id",
                    "policy_id",
                    "policy_version",
                    "ledger_position",
                    "rows",
                    "totals",
                    "by",
                    "at",
                )
            },
            "files": files,
        }
    )
