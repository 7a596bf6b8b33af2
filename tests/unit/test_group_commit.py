"""Group commit: concurrent saves share a transaction, each answered only after it committed; a
bad request fails alone; what was answered is stored."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from okr_shared.group_commit import GroupCommitter
from tests.support.processes import wait_for


class Counter(Aggregate):
    @event("Created")
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @event("Bumped")
    def bump(self) -> None:
        self.count += 1


class Recorder:
    """A save that records each transaction's aggregates; `gate` holds the first transaction
    open until it is set; `refuse` names aggregates whose save fails after taking the pending
    events, as a failed transaction of `Application.save` does."""

    def __init__(self, app: Application, hold_first: bool = False) -> None:
        self.app = app
        self.transactions: list[list[str]] = []
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.hold_first = hold_first
        self.refuse: set[str] = set()

    def __call__(self, *aggregates: Counter) -> None:
        if self.hold_first and not self.transactions:
            self.entered.set()
            assert self.gate.wait(10)
        names = [a.name for a in aggregates]
        self.transactions.append(names)
        if self.refuse & set(names):
            for aggregate in aggregates:
                aggregate.collect_events()
            raise IntegrityError("refused")
        self.app.save(*aggregates)


def stored_names(app: Application) -> list[str]:
    return sorted(
        app.repository.get(n.originator_id).name
        for n in app.recorder.select_notifications(1, 1000)
        if n.originator_version == 1
    )


def test_a_lone_save_commits_at_once_in_its_own_transaction() -> None:
    app = Application()
    save = Recorder(app)
    committer = GroupCommitter(save)
    counter = Counter("a")
    committer.save(counter)
    assert save.transactions == [["a"]]
    assert app.repository.get(counter.id).name == "a"


def test_requests_queued_during_a_commit_share_the_next_transaction_in_arrival_order() -> None:
    app = Application()
    save = Recorder(app, hold_first=True)
    committer = GroupCommitter(save)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(committer.save, Counter("first"))
        assert save.entered.wait(10)
        later = []
        for name in ("b", "c", "d"):
            later.append(pool.submit(committer.save, Counter(name)))
            _wait_queued(committer, len(later))
        save.gate.set()
        for future in [first, *later]:
            future.result(10)
    assert save.transactions == [["first"], ["b", "c", "d"]]
    assert stored_names(app) == ["b", "c", "d", "first"]


def test_no_request_is_answered_before_its_transaction_committed() -> None:
    app = Application()
    save = Recorder(app, hold_first=True)
    committer = GroupCommitter(save)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(committer.save, Counter("first"))
        assert save.entered.wait(10)
        second = pool.submit(committer.save, Counter("second"))
        _wait_queued(committer, 1)
        assert not first.done() and not second.done()
        assert stored_names(app) == []
        save.gate.set()
        first.result(10)
        second.result(10)
    assert stored_names(app) == ["first", "second"]


def test_a_bad_request_fails_alone_and_the_others_of_its_batch_are_stored() -> None:
    app = Application()
    save = Recorder(app, hold_first=True)
    save.refuse = {"bad"}
    committer = GroupCommitter(save)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(committer.save, Counter("first"))
        assert save.entered.wait(10)
        futures = {}
        counters = {name: Counter(name) for name in ("b", "bad", "d")}
        counters["d"].bump()
        for name, counter in counters.items():
            futures[name] = pool.submit(committer.save, counter)
            _wait_queued(committer, len(futures))
        save.gate.set()
        first.result(10)
        futures["b"].result(10)
        futures["d"].result(10)
        with pytest.raises(IntegrityError):
            futures["bad"].result(10)
    assert save.transactions[1] == ["b", "bad", "d"]
    assert save.transactions[2:] == [["b"], ["bad"], ["d"]]
    assert committer.fallbacks == 1
    assert stored_names(app) == ["b", "d", "first"]
    assert app.repository.get(counters["d"].id).count == 1


def test_the_same_aggregate_twice_waits_for_the_next_batch() -> None:
    app = Application()
    save = Recorder(app, hold_first=True)
    committer = GroupCommitter(save)
    counter = Counter("same")
    app.save(counter)
    copy_a, copy_b = app.repository.get(counter.id), app.repository.get(counter.id)
    copy_a.bump()
    copy_b.bump()
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(committer.save, Counter("first"))
        assert save.entered.wait(10)
        a = pool.submit(committer.save, copy_a)
        _wait_queued(committer, 1)
        b = pool.submit(committer.save, copy_b)
        _wait_queued(committer, 2)
        save.gate.set()
        first.result(10)
        a.result(10)
        with pytest.raises(IntegrityError):
            b.result(10)
    assert save.transactions == [["first"], ["same"], ["same"]]
    assert app.repository.get(counter.id).version == 2


def test_a_commit_that_dies_answers_none_of_its_requests_and_stores_nothing() -> None:
    app = Application()
    save = Recorder(app, hold_first=True)
    committer = GroupCommitter(save)
    dying = []

    def die(*aggregates: Counter) -> None:
        dying.append(len(aggregates))
        raise SystemExit("the process dies mid-commit")

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(committer.save, Counter("first"))
        assert save.entered.wait(10)
        later = []
        for name in ("b", "c"):
            later.append(pool.submit(committer.save, Counter(name)))
            _wait_queued(committer, len(later))
        committer._save = die
        save.gate.set()
        first.result(10)
        for future in later:
            with pytest.raises(SystemExit):
                future.result(10)
    assert dying == [2, 1, 1]
    assert stored_names(app) == ["first"]


def test_batches_are_bounded() -> None:
    app = Application()
    save = Recorder(app, hold_first=True)
    committer = GroupCommitter(save, max_batch=2)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(committer.save, Counter("first"))
        assert save.entered.wait(10)
        later = []
        for name in ("b", "c", "d", "e", "f"):
            later.append(pool.submit(committer.save, Counter(name)))
            _wait_queued(committer, len(later))
        save.gate.set()
        for future in [first, *later]:
            future.result(10)
    assert save.transactions == [["first"], ["b", "c"], ["d", "e"], ["f"]]


def _wait_queued(committer: GroupCommitter, n: int) -> None:
    wait_for(lambda: len(committer._queue) >= n, seconds=10, interval=0.001)
