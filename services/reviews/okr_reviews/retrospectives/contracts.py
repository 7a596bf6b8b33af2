"""Retrospective events in their published `okr.reviews.v1` form: subject (the retrospective id)
and data."""

from __future__ import annotations

from typing import Any

from okr_reviews.retrospectives.domain import FIELDS, Retrospective
from okr_shared.contracts.mappings import Mapper


def _data(e: Any) -> tuple[str, dict[str, Any]]:
    retrospective_id = str(e.originator_id)
    return retrospective_id, {
        "retrospective_id": retrospective_id,
        "cycle_id": e.cycle_id,
        "objective_id": e.objective_id,
        "org_unit_id": e.org_unit_id,
        "sharing": e.sharing,
        **{name: e.content[name] for name in FIELDS},
    }


MAPPERS: dict[type, tuple[str, Mapper]] = {
    Retrospective.Written: ("RetrospectiveWritten", _data),
    Retrospective.Revised: ("RetrospectiveRevised", _data),
}
