"""Commands of payroll exports, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass

from okr_incentives.exports.domain import PayrollExport


@dataclass(frozen=True)
class ExportCycle:
    """Exports the awards ledger of a cycle as it stands (CSV and JSON)."""

    cycle_id: str


@dataclass(frozen=True)
class Exported:
    """The export that covers the ledger, and whether this request recorded it."""

    export: PayrollExport
    created: bool
