"""Cadence and reminder events in their published `okr.checkins.v1` form."""

from __future__ import annotations

from typing import Any

from okr_checkins.cadences.domain import Cadence, ReminderLedger
from okr_shared.contracts.mappings import Mapper

_REMINDER = ("key_result_id", "objective_id", "owner_id", "cadence", "period_start", "period_end")


def _reminder(e: Any) -> tuple[str, dict[str, Any]]:
    return e.key_result_id, {k: getattr(e, k) for k in _REMINDER}


def _cadence(e: Any) -> tuple[str, dict[str, Any]]:
    return e.org_unit_id or "tenant", {
        "scope": e.scope,
        "org_unit_id": e.org_unit_id,
        "cadence": e.cadence,
        "reason": e.reason,
    }


MAPPERS: dict[type, tuple[str, Mapper]] = {
    ReminderLedger.DueSent: ("CheckInDue", _reminder),
    ReminderLedger.OverdueSent: ("CheckInOverdue", _reminder),
    Cadence.Set: ("CadenceSet", _cadence),
    Cadence.Changed: ("CadenceSet", _cadence),
}
