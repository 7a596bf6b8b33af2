"""Export events in their published `okr.incentives.v1` form: the subject is the export id (one
stream per export), the data the contract's."""

from __future__ import annotations

from typing import Any

from okr_incentives.exports.domain import PayrollExport
from okr_shared.contracts.mappings import Mapper


def _exported(e: Any) -> tuple[str, dict[str, Any]]:
    fields = (
        "export_id",
        "cycle_id",
        "policy_id",
        "policy_version",
        "ledger_position",
        "rows",
        "totals",
        "files",
    )
    return e.export_id, {k: getattr(e, k) for k in fields}


MAPPERS: dict[type, tuple[str, Mapper]] = {
    PayrollExport.Exported: ("PayrollExported", _exported),
}
