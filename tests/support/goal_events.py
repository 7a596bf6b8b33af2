"""Builders of goal events and their metadata, as the objective read model receives them."""

import uuid
from datetime import UTC, datetime

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def meta(version, tenant="acme", actor="alice"):
    return {
        "tenant_id": tenant,
        "actor_id": actor,
        "version": version,
        "event_id": f"e{version}",
        "time": NOW,
    }


def kr(
    key_result_id="k1",
    kind="increase_to",
    start=30.0,
    target=60.0,
    weight=1.0,
    owner_id=None,
    **fields,
):
    base = {
        "key_result_id": key_result_id,
        "title": f"KR {key_result_id}",
        "kind": kind,
        "owner_id": owner_id,
        "weight": weight,
        "unit": "pts",
        "start": start,
        "target": target,
        "currency": None,
        "baseline": None,
        "lower": None,
        "upper": None,
    }
    return {**base, **fields}


def created(objective_id="o1", key_results=None, alignments=(), **fields):
    data = {
        "objective_id": objective_id,
        "title": "UX",
        "description": "",
        "level": "company",
        "owner_type": "person",
        "owner_id": "ceo",
        "org_unit_id": "company",
        "cycle_id": "q1",
        "tags": ["ux"],
        "visibility": "public",
        "status": "active",
        "commitment": "aspirational",
        "key_results": [kr()] if key_results is None else key_results,
        "alignments": [{"parent_objective_id": p, "weight": w} for p, w in alignments],
        "rolled_over_from": None,
    }
    return {**data, **fields}


def status_changed(**fields):
    """`ObjectiveStatusChanged` data: an objective (a fresh id) activated from draft."""
    return {
        "objective_id": str(uuid.uuid4()),
        "status": "active",
        "previous_status": "draft",
        "reason": None,
        "correction": False,
        **fields,
    }
