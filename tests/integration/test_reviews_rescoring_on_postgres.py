"""Re-scoring on the review service's real PostgreSQL event store: the scores as they stood at an
instant are replayed from the stored events, an adoption stores one contract-checked
`ReviewRescored` per review, and a re-scoring stores nothing."""

from datetime import timedelta

from okr_reviews.bootstrap import build_handlers, knowledge_store
from okr_reviews.rescoring.commands import AdoptRules, Rescore
from okr_reviews.reviews.commands import FinaliseReview
from okr_reviews.rules.commands import SetScoringRules
from okr_reviews.store import ReviewsStore
from okr_shared.clock import FixedClock
from tests.conftest import postgres_env
from tests.support.org import ADMIN, CYCLE
from tests.support.reviews import FINER_RULES, NOW, World, graded_for_rescoring


def test_scores_as_of_and_adoption_on_postgres(infra, postgres_db):
    env = postgres_env(infra, postgres_db, "REVIEWS")
    clock = FixedClock(NOW)
    store = ReviewsStore(env=env)
    knowledge = knowledge_store(env)
    try:
        world = World(handlers=build_handlers(store, knowledge, clock))
        graded_for_rescoring(world)
        rescoring = world.service.rescoring

        # Finalised an hour after grading opened, finer rules adopted an hour later.
        clock.advance(hours=1)
        world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
        clock.advance(hours=1)
        world.rules.set_rules(SetScoringRules(FINER_RULES, "finer"), ADMIN)
        stored = world.stored()
        rescoring.rescore(Rescore(CYCLE, rule_version=1), ADMIN)
        assert world.stored() == stored
        rescoring.adopt(AdoptRules(CYCLE, 1, "finer grades"), ADMIN)
        assert world.stored() == stored + 3

        # As they stood: open at first, finalised under version 0, then re-bound to version 1.
        def team_at(at):
            items = rescoring.scores_as_of(ADMIN, CYCLE, at)["items"]
            return next(i for i in items if i["objective_id"] == str(world.team.id))

        opened = team_at(NOW + timedelta(minutes=30))
        assert (opened["finalised"], opened["rule_version"], opened["band"]["color"]) == (
            False,
            0,
            "yellow",
        )
        final = team_at(NOW + timedelta(hours=1, minutes=30))
        assert (final["finalised"], final["rule_version"]) == (True, 0)
        now = team_at(None)
        assert (now["finalised"], now["rule_version"], now["band"]["color"]) == (True, 1, "red")
    finally:
        knowledge.close()
        store.close()
