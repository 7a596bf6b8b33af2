"""Exporting a finalised cycle's awards ledger for HR and payroll, and reading the exports back."""

from __future__ import annotations

import uuid
from typing import Any

from okr_incentives import keys
from okr_incentives.awards.domain import CycleAwards
from okr_incentives.awards.handlers import AwardHandlers, CycleNotFinalised
from okr_incentives.exports.commands import ExportCycle, Exported
from okr_incentives.exports.domain import (
    EXPORT_FORMATS,
    PayrollExport,
    digest,
    file_facts,
    render,
    rows_of,
    totals_of,
)
from okr_incentives.knowledge.handlers import Knowledge
from okr_incentives.knowledge.refusals import confirms_refusals
from okr_incentives.store import IncentivesStore
from okr_shared.access import AUDITOR
from okr_shared.clock import Clock
from okr_shared.errors import Forbidden, NotFound, VersionConflict
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class ExportNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("payroll export", key)


class ExportHandlers:
    """Payroll exports of each cycle, at each position of its ledger."""

    def __init__(
        self, store: IncentivesStore, knowledge: Knowledge, awards: AwardHandlers, clock: Clock
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.awards = awards
        self.clock = clock

    @confirms_refusals
    def export(self, command: ExportCycle, caller: Caller) -> Exported:
        """The export of the cycle's ledger as it stands (admins only), recorded as
        `PayrollExported` unless the same ledger position was exported before; refused (409)
        while the cycle's review is not finalised or no policy is bound to it."""
        if not caller.is_admin:
            raise Forbidden("#", "only an admin exports a cycle's awards for payroll")
        ledger = self._finalised_ledger(caller.tenant_id, command.cycle_id)
        position = ledger.version
        uid = keys.export_uuid(caller.tenant_id, command.cycle_id, position)
        found = self.store.find(PayrollExport, uid, caller.tenant_id)
        if found is not None:
            return Exported(found, False)
        header = self._header(str(uid), ledger, position)
        files = render(header, ledger.awards)
        rows = rows_of(ledger.awards)
        export = PayrollExport.record(
            uid,
            tenant_id=caller.tenant_id,
            **header,
            rows=len(rows),
            totals=totals_of(rows),
            files=file_facts(files),
            meta=event_meta(caller, self.clock.now()),
        )
        try:
            self.store.save_or_conflict(export)
        except VersionConflict:
            again = self.store.find(PayrollExport, uid, caller.tenant_id)
            if again is None:
                raise
            return Exported(again, False)
        return Exported(export, True)

    def _finalised_ledger(self, tenant_id: str, cycle_id: str) -> CycleAwards:
        """The cycle's ledger once its review is finalised (as the awards feature means it) and
        a policy is bound to it."""
        if self.knowledge.cycle(tenant_id, cycle_id) is None:
            self.knowledge.refuse(NotFound("cycle", cycle_id))
        open_ = self.knowledge.unfinalised(tenant_id, cycle_id)
        if open_ or not self.knowledge.graded_objectives(tenant_id, cycle_id):
            detail = (
                f"{len(open_)} graded objective(s) of the cycle have no finalised review yet"
                if open_
                else "the cycle has no graded objective with a finalised review"
            )
            self.knowledge.refuse(CycleNotFinalised("path:cycle_id", detail))
        ledger = self.awards.awards_of(tenant_id, cycle_id)
        if ledger is None or ledger.binding is None:
            raise CycleNotFinalised(
                "path:cycle_id", "no reward policy is bound to the cycle: nothing to export yet"
            )
        return ledger

    @staticmethod
    def _header(export_id: str, ledger: CycleAwards, position: int) -> dict[str, Any]:
        binding = ledger.binding or {}
        return {
            "export_id": export_id,
            "cycle_id": ledger.cycle_id,
            "policy_id": binding["policy_id"],
            "policy_version": binding["policy_version"],
            "ledger_position": position,
        }

    # ---- reads

    def find(self, caller: Caller, export_id: str) -> PayrollExport:
        """The export, for admins and auditors; not found in another tenant."""
        if not (caller.is_admin or AUDITOR in caller.roles):
            raise Forbidden("#", "only admins and auditors read payroll exports")
        try:
            uid = uuid.UUID(export_id)
        except ValueError:
            raise ExportNotFound(export_id) from None
        found = self.store.find(PayrollExport, uid, caller.tenant_id)
        if found is None:
            raise ExportNotFound(export_id)
        return found

    def file(self, caller: Caller, export_id: str, fmt: str) -> bytes:
        """The bytes of one of the export's files, rebuilt from the ledger at the export's
        position; they are the bytes whose SHA-256 the export recorded."""
        if fmt not in EXPORT_FORMATS:
            raise ExportNotFound(f"{export_id}.{fmt}")
        export = self.find(caller, export_id)
        uid = keys.cycle_awards_uuid(export.tenant_id, export.cycle_id)
        ledger = self.store.repository.get(uid, version=export.ledger_position)
        header = self._header(export.export_id, ledger, export.ledger_position)
        content = render(header, ledger.awards)[fmt]
        if digest(content) != export.sha256_of(fmt):
            raise RuntimeError(f"export {export_id}: the ledger no longer gives the recorded {fmt}")
        return content
