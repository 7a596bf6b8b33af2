"""The leader lock on the real PostgreSQL is a lease: a holder that goes silent (a paused process)
loses it to another replica after the lease; a live holder keeps it by renewing."""

import asyncio
import time

import pytest

from okr_shared.outbox import leader_lock, wait_holding
from tests.conftest import postgres_env
from tests.support.processes import wait_for

LEASE = 2.0


@pytest.fixture
def locks(infra, postgres_db):
    env = postgres_env(infra, postgres_db)
    pair = [leader_lock(env, "GOALS", "goals-relay", lease_seconds=LEASE) for _ in range(2)]
    yield pair
    for lock in pair:
        lock.release()


def test_a_silent_holder_loses_the_lock_to_another_replica_after_the_lease(locks):
    paused, other = locks
    assert paused.try_acquire()
    acquired_at = time.monotonic()
    assert not other.try_acquire()
    wait_for(other.try_acquire, seconds=LEASE + 5, interval=0.2)
    assert time.monotonic() - acquired_at >= LEASE - 0.2
    assert not paused.still_held()
    assert not paused.try_acquire()
    assert other.still_held()


def test_a_live_holder_keeps_the_lock_past_the_lease_and_a_woken_one_takes_it_back_when_free(
    locks,
):
    live, other = locks
    assert live.try_acquire()
    asyncio.run(wait_holding(live, asyncio.Event(), 2 * LEASE))
    assert live.still_held() and not other.try_acquire()
    wait_for(other.try_acquire, seconds=LEASE + 5, interval=0.2)
    other.release()
    assert live.try_acquire() and live.still_held()
