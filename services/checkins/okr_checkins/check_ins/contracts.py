"""Check-in events in their published `okr.checkins.v1` form: subject and contract data."""

from __future__ import annotations

from typing import Any

from okr_checkins.check_ins.domain import KeyResultLog
from okr_shared.contracts.mappings import Mapper

_CHECK_IN = (
    "check_in_id",
    "objective_id",
    "key_result_id",
    "value",
    "confidence",
    "confidence_band",
    "note",
    "blockers",
    "effective_at",
    "source",
    "source_key",
)


def _check_in(e: Any) -> tuple[str, dict[str, Any]]:
    data = {k: e.check_in[k] for k in _CHECK_IN}
    if e.check_in.get("corrects"):
        data.update(corrects_check_in_id=e.check_in["corrects"], reason=e.check_in["reason"])
    return e.check_in["key_result_id"], data


MAPPERS: dict[type, tuple[str, Mapper]] = {
    KeyResultLog.Recorded: ("CheckInRecorded", _check_in),
    KeyResultLog.Corrected: ("CheckInCorrected", _check_in),
}
