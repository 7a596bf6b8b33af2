"""Builders of review events (`okr.reviews.v1`) as the projections receive them, and the read
models with the review log, in a database of their own, fed as the consumer would."""

import contextlib
import uuid

from pymongo import AsyncMongoClient

from okr_projections.bootstrap import build_projector, build_queries
from okr_projections.cycles.store import CycleStore
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.reviews.store import ReviewStore
from tests.support.goal_events import meta

GREEN = {"color": "green", "label": {"en": "On track", "zh": "达成"}}
YELLOW = {"color": "yellow", "label": {"en": "Partly", "zh": "部分达成"}}
RED = {"color": "red", "label": {"en": "Missed", "zh": "未达成"}}


def review_id_of(objective_id, cycle_id="q1", tenant="acme"):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant}/{cycle_id}/{objective_id}"))


def opened(objective_id, key_results=(("k1", 1.0, "alice", 0.5),), cycle_id="q1", review_id=None):
    """`ReviewOpened`; key results as (id, weight, owner, suggested score)."""
    return {
        "review_id": review_id or review_id_of(objective_id, cycle_id),
        "cycle_id": cycle_id,
        "objective_id": objective_id,
        "commitment": "committed",
        "rule_version": 0,
        "cycle_ends_on": "2026-03-31",
        "grading_opened_at": "2026-04-01T09:00:00Z",
        "key_results": [
            {
                "key_result_id": kr_id,
                "title": f"KR {kr_id}",
                "weight": weight,
                "owner_id": owner,
                "value": None,
                "check_in_id": None,
                "progress": suggested,
                "suggested_score": suggested,
            }
            for kr_id, weight, owner, suggested in key_results
        ],
    }


def scored(
    objective_id,
    key_result_id="k1",
    kind="self",
    score=0.7,
    objective_score=0.7,
    band=GREEN,
    cycle_id="q1",
    suggested=0.5,
):
    return {
        "review_id": review_id_of(objective_id, cycle_id),
        "cycle_id": cycle_id,
        "objective_id": objective_id,
        "key_result_id": key_result_id,
        "kind": kind,
        "score": score,
        "previous_score": suggested,
        "suggested_score": suggested,
        "band": band,
        "objective_score": objective_score,
        "objective_band": band,
        "remark": "better than it looks" if kind == "manager" else None,
        "reason": "typo" if kind == "correction" else None,
        "correction": kind == "correction",
    }


def revised(objective_id, key_result_id="k1", suggested=0.6, previous=0.5, cycle_id="q1"):
    return {
        "review_id": review_id_of(objective_id, cycle_id),
        "cycle_id": cycle_id,
        "objective_id": objective_id,
        "key_result_id": key_result_id,
        "value": 60.0,
        "check_in_id": None,
        "progress": suggested,
        "suggested_score": suggested,
        "previous_suggested_score": previous,
    }


def finalised(objective_id, key_results=(("k1", 0.7, "alice", "self"),), score=0.7, band=GREEN):
    """`ReviewFinalised`; key results as (id, score, scored by, score kind)."""
    return {
        "review_id": review_id_of(objective_id),
        "cycle_id": "q1",
        "objective_id": objective_id,
        "commitment": "committed",
        "rule_version": 0,
        "score": score,
        "band": band,
        "key_results": [
            {
                "key_result_id": kr_id,
                "score": kr_score,
                "band": band,
                "suggested_score": 0.5,
                "scored_by": by,
                "score_kind": kind,
            }
            for kr_id, kr_score, by, kind in key_results
        ],
        "reason": "cycle closed",
    }


def rules_set(version=1):
    return {
        "version": version,
        "step": 0.1,
        "remark_threshold": 0.3,
        "bands": {
            "aspirational": [{"from": 0.0, "to": 1.0, **GREEN}],
            "committed": [{"from": 0.0, "to": 1.0, **GREEN}],
        },
        "reason": None,
    }


def review_meta(version, tenant="acme", actor="alice"):
    """The meta of a review event: `version` is the review stream's."""
    return {**meta(version, tenant, actor), "event_id": f"r{version}"}


@contextlib.asynccontextmanager
async def review_read_models(infra):
    """The read models with the review log in a database of their own (dropped afterwards): the
    projector and the queries."""
    client = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    name = f"okr_test_{uuid.uuid4().hex[:10]}"
    stores = (
        ObjectiveStore(client, name),
        OrgUnitStore(client, name),
        PeopleStore(client, name),
        CycleStore(client, name),
    )
    reviews = ReviewStore(client, name)
    try:
        projector = build_projector(*stores, reviews=reviews)
        for store in projector.read_models:
            await store.ensure_indexes()
        yield projector, build_queries(*stores)
    finally:
        await client.drop_database(name)
        await client.close()
