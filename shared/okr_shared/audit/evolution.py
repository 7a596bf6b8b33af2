"""Whether a stored event, read through today's contract mapping, is still the event that was
chained: the same line, or the chained line with its data upcast to the version the mapping
publishes today (a new contract version must not look like tampering)."""

from __future__ import annotations

import json
from typing import Any

from okr_shared.cloudevents import UndecodableEvent, parse_schema_urn
from okr_shared.contracts.registry import ContractRegistry, ContractViolation


def same_event(chained: bytes, recomputed: bytes, registry: ContractRegistry) -> bool:
    """True when `recomputed` is `chained`, or `chained` upcast to the newer version it has."""
    if chained == recomputed:
        return True
    try:
        old, new = json.loads(chained), json.loads(recomputed)
    except ValueError:
        return False
    upcast = _upcast(old, new, registry)
    return upcast is not None and upcast == new


def _upcast(old: Any, new: Any, registry: ContractRegistry) -> dict[str, Any] | None:
    before = old.get("event") if isinstance(old, dict) else None
    after = new.get("event") if isinstance(new, dict) else None
    if not isinstance(before, dict) or not isinstance(after, dict):
        return None
    try:
        context, name, version = parse_schema_urn(str(before.get("dataschema")))
        later = parse_schema_urn(str(after.get("dataschema")))
        if later[:2] != (context, name) or later[2] <= version:
            return None
        data = registry.upcast(context, name, version, before["data"], to=later[2])
    except (UndecodableEvent, ContractViolation, KeyError, TypeError):
        return None
    return {**old, "event": {**before, "dataschema": after["dataschema"], "data": data}}
