"""Retries of one idempotent check-in on PostgreSQL: arriving at once, on two replicas of the
check-in service sharing the event store, they record exactly one check-in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from okr_checkins.check_ins.commands import RecordCheckIn, Report
from okr_shared.personal import PersonalData, open_key_table
from tests.conftest import postgres_env
from tests.support.checkins import World, checkins_service
from tests.support.org import caller

RETRIES = 8


@pytest.fixture
def replicas(infra, new_database) -> tuple[World, list]:
    """The check-in world on a fresh PostgreSQL database, and two services over that database."""
    world = World()
    env = postgres_env(infra, new_database(), "CHECKINS")
    services = [checkins_service(env, world.knowledge, world.clock) for _ in range(2)]
    for service in services:  # as `bootstrap` does: the data keys in the database, shared
        service.store.personal = PersonalData(open_key_table(env, "CHECKINS"))
    world.use(services[0])
    return world, services


def test_concurrent_retries_with_one_key_record_one_check_in(replicas) -> None:
    world, services = replicas
    dev = caller("dev")
    command = RecordCheckIn(world.numeric, Report(55.0, 6, {"progress": "p"}), "retry-1")
    together = Barrier(RETRIES)

    def retry(n: int):
        together.wait(timeout=30)
        return services[n % 2].check_ins.record(command, dev)

    with ThreadPoolExecutor(RETRIES) as pool:
        answers = list(pool.map(retry, range(RETRIES)))

    stored = world.check_ins.history(dev, world.numeric)
    assert [c["check_in_id"] for c in stored] == [answers[0].check_in["check_in_id"]]
    assert {a.check_in["check_in_id"] for a in answers} == {stored[0]["check_in_id"]}
    assert sorted(a.replayed for a in answers) == [False] + [True] * (RETRIES - 1)
    assert {a.check_in["note"]["progress"] for a in answers} == {"p"}
