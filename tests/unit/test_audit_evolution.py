"""A stored event read through a newer contract version is still the event that was chained:
its chained line upcast gives today's line; any other difference is a change."""

from __future__ import annotations

import json

from okr_shared.audit.canonical import canonical_json
from okr_shared.audit.evolution import same_event
from okr_shared.contracts.registry import ContractRegistry


def _registry(tmp_path) -> ContractRegistry:
    folder = tmp_path / "things"
    folder.mkdir()
    for version, properties in (
        (1, {"name": {"type": "string"}}),
        (2, {"title": {"type": "string"}, "size": {"type": "integer"}}),
    ):
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:okr:schema:things:ThingMade:{version}",
            "type": "object",
            "additionalProperties": False,
            "required": list(properties),
            "properties": properties,
        }
        (folder / f"ThingMade.v{version}.json").write_text(json.dumps(schema))
    registry = ContractRegistry(tmp_path)
    registry.register_upcaster(
        "things", "ThingMade", 1, lambda data: {"title": data["name"], "size": 0}
    )
    return registry


def _line(version: int, data: dict, **event) -> bytes:
    record = {
        "aggregate_id": "a1",
        "aggregate_version": 1,
        "position": 7,
        "service": "goals",
        "tenant_id": "acme",
        "event": {
            "id": "e1",
            "type": "okr.things.ThingMade",
            "dataschema": f"urn:okr:schema:things:ThingMade:{version}",
            "data": data,
            **event,
        },
    }
    return canonical_json(record)


def test_the_chained_line_upcast_is_todays_line(tmp_path) -> None:
    registry = _registry(tmp_path)
    chained = _line(1, {"name": "Kite"})
    assert same_event(chained, _line(2, {"title": "Kite", "size": 0}), registry)
    assert same_event(chained, chained, registry)


def test_other_data_another_attribute_or_an_older_version_is_a_change(tmp_path) -> None:
    registry = _registry(tmp_path)
    chained = _line(1, {"name": "Kite"})
    assert not same_event(chained, _line(2, {"title": "Kite", "size": 3}), registry)
    assert not same_event(chained, _line(2, {"title": "Kite", "size": 0}, id="e2"), registry)
    assert not same_event(_line(2, {"title": "Kite", "size": 0}), chained, registry)
    assert not same_event(chained, _line(1, {"name": "Kit"}), registry)
    assert not same_event(chained, b"not json", registry)
