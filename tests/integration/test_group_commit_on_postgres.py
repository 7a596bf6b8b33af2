"""Group commit of check-ins on PostgreSQL: concurrent check-ins share transactions and every one
answered is stored once; a batch from the feed is one transaction; a bad item fails alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from okr_checkins.check_ins.commands import RecordCheckIn, Report
from okr_checkins.feed.commands import FeedItem
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from tests.conftest import postgres_env
from tests.support.checkins import World, checkins_service
from tests.support.org import ADMIN, CYCLE

THREADS, PER_THREAD = 32, 4


@pytest.fixture
def world(infra, new_database) -> World:
    """The check-in world on a fresh PostgreSQL database, with an objective of 16 key results."""
    world = World()
    env = postgres_env(infra, new_database(), "CHECKINS")
    world.use(checkins_service(env, world.knowledge, world.clock))
    krs = tuple(NewKeyResult(f"KR {i}", "increase_to", start=0.0, target=10.0) for i in range(16))
    command = CreateObjective("Many", "team", "org_unit", "web", CYCLE, key_results=krs)
    world.many = world.goals.objectives.create_objective(command, ADMIN).objective
    world.learn()
    return world


def krs_of(world: World) -> list[str]:
    return [kr.key_result_id for kr in world.many.key_results]


def test_concurrent_check_ins_share_transactions_and_each_is_stored_once(world: World) -> None:
    krs = krs_of(world)

    def check_in(n: int) -> str:
        # Neighbouring threads check in on the same key result: they take turns.
        command = RecordCheckIn(krs[n % THREADS // 2 % len(krs)], Report(float(n), 6))
        return world.check_ins.record_check_in(command, ADMIN)["check_in_id"]

    with ThreadPoolExecutor(THREADS) as pool:
        answered = list(pool.map(check_in, range(THREADS * PER_THREAD)))

    stored = [c["check_in_id"] for kr in krs for c in world.check_ins.history(ADMIN, kr)]
    assert sorted(stored) == sorted(answered)
    assert world.store.committer.batches < len(answered)


def test_a_feed_batch_of_100_is_one_transaction(world: World) -> None:
    krs = krs_of(world)
    items = [FeedItem(f"crm-{i}", krs[i % len(krs)], Report(float(i), 7)) for i in range(100)]
    before = world.store.committer.batches

    results = world.feed.feed(items, ADMIN)

    assert [r.status for r in results] == ["recorded"] * 100
    assert world.store.committer.batches == before + 1
    assert sum(len(world.check_ins.history(ADMIN, kr)) for kr in krs) == 100
    again = world.feed.feed(items, ADMIN)
    assert [r.status for r in again] == ["duplicate"] * 100
    assert sum(len(world.check_ins.history(ADMIN, kr)) for kr in krs) == 100


def test_a_bad_item_of_a_batch_is_rejected_alone_and_the_rest_stored(world: World) -> None:
    krs = krs_of(world)
    items = [FeedItem(f"erp-{i}", krs[i % len(krs)], Report(float(i), 7)) for i in range(10)]
    items[4] = FeedItem("erp-4", krs[4], Report(4.0, 11))

    results = world.feed.feed(items, ADMIN)

    assert [r.status for r in results].count("recorded") == 9
    assert results[4].status == "rejected"
    assert results[4].problem["pointer"] == "#/items/4/confidence"
    assert sum(len(world.check_ins.history(ADMIN, kr)) for kr in krs) == 9
