"""HTTP routes of payroll exports: exporting a cycle, an export's record and its two files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from okr_incentives.exports.commands import ExportCycle
from okr_incentives.exports.domain import CSV, JSON, MEDIA_TYPES
from okr_incentives.exports.handlers import ExportHandlers
from okr_incentives.exports.schemas import ExportFileOut, ExportOut, export_out
from okr_incentives.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["payroll exports"])
ExportId = Annotated[str, Path(min_length=1, max_length=100)]
READ = problems(403, 404)


def export_handlers(request: Request) -> ExportHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.exports


Exports = Annotated[ExportHandlers, Depends(export_handlers)]


@router.post(
    "/cycles/{cycle_id}/exports",
    status_code=201,
    responses={
        200: {"model": ExportOut, "description": "The ledger was exported at this position before"},
        **NOT_KNOWN_YET,
        **problems(403, 404, 409),
    },
)
async def export_cycle(
    cycle_id: str, response: Response, caller: CurrentCaller, handlers: Exports
) -> ExportOut:
    """Exports the cycle's awards ledger as it stands for HR and payroll (admins only): 201 with
    a new export, recorded as `PayrollExported`; 200 with the same export (same id, same bytes)
    while the ledger has no new entry. 409 while the cycle's review is not finalised or no policy
    is bound to it."""
    outcome = await call(handlers.export, ExportCycle(cycle_id), caller)
    response.status_code = 201 if outcome.created else 200
    response.headers["Location"] = f"/v1/exports/{outcome.export.export_id}"
    return export_out(outcome.export)


@router.get(
    "/exports/{export_id}.csv",
    response_class=Response,
    responses={
        200: {
            "description": "The CSV file",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **READ,
    },
)
async def export_csv(export_id: ExportId, caller: CurrentCaller, handlers: Exports) -> Response:
    """The export's CSV (RFC 4180, UTF-8, a header row, one row per person by person id);
    admins and auditors."""
    content = await call(handlers.file, caller, export_id, CSV)
    return Response(content, media_type=MEDIA_TYPES[CSV], headers=_download(export_id, CSV))


@router.get("/exports/{export_id}.json", response_model=ExportFileOut, responses=READ)
async def export_json(export_id: ExportId, caller: CurrentCaller, handlers: Exports) -> Response:
    """The export's JSON file, as its exact bytes; admins and auditors."""
    content = await call(handlers.file, caller, export_id, JSON)
    return Response(content, media_type=MEDIA_TYPES[JSON], headers=_download(export_id, JSON))


@router.get("/exports/{export_id}", responses=READ)
async def export_record(export_id: ExportId, caller: CurrentCaller, handlers: Exports) -> ExportOut:
    """An export's record: cycle, policy, ledger position, rows, totals and each file's SHA-256;
    admins and auditors."""
    return export_out(await call(handlers.find, caller, export_id))


def _download(export_id: str, fmt: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="payroll-{export_id}.{fmt}"'}
