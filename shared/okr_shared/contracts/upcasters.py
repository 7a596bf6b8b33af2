"""Upcasters of the `goals` contracts: old event data becomes data of the next schema version.

Plain functions and a table; the registry imports this module, never the other way round. They
are the one definition of what old data means: the goal service's stored events (its aggregate's
`upcast_v1_v2` and `upcast_v2_v3` methods) call them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

CONTEXT = "goals"

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns event data of one schema version into data of the next one."""


def key_result_v1_to_v2(key_result: dict[str, Any]) -> dict[str, Any]:
    """A v1 numeric key result with its kind taken from the direction of its target."""
    kind = "increase_to" if key_result["target"] > key_result["start"] else "decrease_to"
    return {
        **key_result,
        "kind": kind,
        "owner_id": None,
        "currency": None,
        "baseline": None,
        "lower": None,
        "upper": None,
    }


def objective_v1_meant() -> dict[str, Any]:
    """What a v1 objective meant for the fields v2 added (besides its key results' kinds): owned
    by a person, public, active, without tags, links or lineage."""
    return {
        "owner_type": "person",
        "org_unit_id": None,
        "tags": [],
        "visibility": "public",
        "status": "active",
        "alignments": [],
        "rolled_over_from": None,
    }


def objective_created_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """A person-owned, public, active objective without tags, links or lineage."""
    return {
        **data,
        **objective_v1_meant(),
        "key_results": [key_result_v1_to_v2(kr) for kr in data["key_results"]],
    }


def key_result_added_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """The upcast key result, added without a reason and not as a correction."""
    key_result = key_result_v1_to_v2(data["key_result"])
    return {**data, "key_result": key_result, "reason": None, "correction": False}


def not_a_correction(data: dict[str, Any]) -> dict[str, Any]:
    """Revisions before v2 were never corrections."""
    return {**data, "correction": False}


def objective_v2_meant() -> dict[str, Any]:
    """What a v2 objective meant for the field v3 added: an aspirational (stretch) objective."""
    return {"commitment": "aspirational"}


def objective_created_v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """An aspirational objective: before commitments existed, no objective was committed."""
    return {**data, **objective_v2_meant()}


def unchanged(data: dict[str, Any]) -> dict[str, Any]:
    """The data as it was: the new version only allows more (a v2 revision is a valid v3 one)."""
    return dict(data)


GOAL_UPCASTERS: dict[tuple[str, str, int], Upcaster] = {
    (CONTEXT, "ObjectiveCreated", 1): objective_created_v1_to_v2,
    (CONTEXT, "KeyResultAdded", 1): key_result_added_v1_to_v2,
    (CONTEXT, "ObjectiveRevised", 1): not_a_correction,
    (CONTEXT, "KeyResultRevised", 1): not_a_correction,
    (CONTEXT, "ObjectiveCreated", 2): objective_created_v2_to_v3,
    (CONTEXT, "ObjectiveRevised", 2): unchanged,
}
"""Every upcaster of the `goals` context, by (context, event name, version it reads)."""


class _Registers(Protocol):
    def register_upcaster(
        self, context: str, name: str, from_version: int, upcaster: Upcaster
    ) -> None: ...


def register_goal_upcasters(registry: _Registers) -> None:
    """Registers every upcaster of the `goals` context on `registry`."""
    for (context, name, from_version), upcaster in GOAL_UPCASTERS.items():
        registry.register_upcaster(context, name, from_version, upcaster)
