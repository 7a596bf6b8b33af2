"""Reviews in the read models on the real document store: the review on the objective document,
duplicates and replays, a review before its objective, score rollups and the grading view's
visibility."""

import uuid

import pytest

from okr_shared.identity import Principal
from tests.support.goal_events import created, kr, meta
from tests.support.projection_feed import without_projection_time
from tests.support.review_events import (
    GREEN,
    YELLOW,
    finalised,
    opened,
    review_meta,
    review_read_models,
    rules_set,
    scored,
)


@pytest.fixture
async def models(infra):
    async with review_read_models(infra) as built:
        yield built


def oid():
    return str(uuid.uuid4())


async def objective(projector, objective_id, version=1, **fields):
    fields.setdefault("key_results", [kr("k1", owner_id="alice")])
    return await projector.project(
        "ObjectiveCreated", created(objective_id, **fields), meta(version)
    )


async def doc(projector, objective_id):
    return await projector.read_models.objectives.get("acme", objective_id)


async def test_open_score_finalise_show_on_the_document_and_a_replay_changes_nothing(models):
    projector, _ = models
    o = oid()
    await objective(projector, o)
    log = [
        ("ReviewOpened", opened(o), review_meta(1)),
        ("KeyResultScored", scored(o, score=0.6, objective_score=0.6, band=YELLOW), review_meta(2)),
        (
            "ReviewFinalised",
            finalised(o, (("k1", 0.6, "alice", "self"),), 0.6, YELLOW),
            review_meta(3),
        ),
    ]
    assert [await projector.project(*e) for e in log] == [True, True, True]
    before = without_projection_time(await doc(projector, o))
    review = before["review"]
    assert (review["status"], review["score"], review["band"], before["rollup_score"]) == (
        "finalised",
        0.6,
        YELLOW,
        0.6,
    )
    assert review["key_results"]["k1"]["self_score"] == 0.6
    assert [await projector.project(*e) for e in [*log, *log]] == [False] * 6
    assert without_projection_time(await doc(projector, o)) == before
    assert await projector.project("ScoringRulesSet", rules_set(), review_meta(1)) is False


async def test_review_events_before_the_objective_and_a_score_before_the_opening_are_not_lost(
    models,
):
    projector, _ = models
    o = oid()
    await projector.project("KeyResultScored", scored(o, objective_score=0.7), review_meta(2))
    await projector.project("ReviewOpened", opened(o), review_meta(1))
    await objective(projector, o)
    shown = (await doc(projector, o))["review"]
    assert (shown["status"], shown["score"], shown["key_results"]["k1"]["score"]) == (
        "open",
        0.7,
        0.7,
    )


async def test_a_goal_event_after_the_review_keeps_the_review_and_scores_roll_up_to_the_parent(
    models,
):
    projector, _ = models
    parent, child = oid(), oid()
    await objective(projector, parent, key_results=[])
    await objective(projector, child, alignments=[(parent, 1.0)])
    await projector.project("ReviewOpened", opened(child), review_meta(1))
    assert (await doc(projector, parent)).get("rollup_score") is None
    await projector.project("KeyResultScored", scored(child, objective_score=0.8), review_meta(2))
    assert (await doc(projector, parent))["rollup_score"] == pytest.approx(0.8)
    await projector.project(
        "ObjectiveRevised",
        {
            "objective_id": child,
            "changes": {"title": "Renamed"},
            "previous": {"title": "UX"},
            "reason": None,
            "correction": False,
        },
        meta(2),
    )
    after = await doc(projector, child)
    assert after["title"] == "Renamed" and after["review"]["score"] == 0.8
    await projector.project("ReviewOpened", opened(parent, key_results=()), review_meta(1))
    await projector.project(
        "ReviewFinalised", finalised(parent, (), score=0.2, band=GREEN), review_meta(2)
    )
    assert (await doc(projector, parent))["rollup_score"] == pytest.approx(0.5)


async def test_the_grading_view_shows_what_the_visibility_rules_allow_and_admins_everything(
    models,
):
    projector, queries = models
    shown, hidden = oid(), oid()
    await objective(projector, shown, owner_id="alice", visibility="public")
    await objective(projector, hidden, owner_id="ceo", visibility="private")
    for o in (shown, hidden):
        await projector.project("ReviewOpened", opened(o), review_meta(1))
    await projector.project("KeyResultScored", scored(shown), review_meta(2))
    mine = await queries.reviews.cycle_grading(Principal("acme", "stranger"), "q1")
    assert [g["objective_id"] for g in mine["objectives"]] == [shown]
    assert mine["objectives"][0]["missing_self_score"] == []
    every = await queries.reviews.cycle_grading(Principal("acme", "root", ("admin",)), "q1")
    assert {g["objective_id"] for g in every["objectives"]} == {shown, hidden}
    assert every["counts"]["missing_self_score"] == 1 and every["counts"]["open"] == 2
