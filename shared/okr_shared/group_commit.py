"""Group commit: the aggregates of commands that arrive together saved in one transaction.

A command's thread calls `GroupCommitter.save(*aggregates)` once its command is validated and
its contract checked; the call returns only after a transaction holding its events committed,
or raises that command's own error. No background thread and no timer: the first caller that
finds no commit running commits every request queued by then (at most `max_batch`) in one
`save`, and keeps committing what queued meanwhile until its own request is done; then the next
waiting caller takes over. Requests are taken in arrival order; one naming an aggregate already
in the batch waits for the next batch (its save then conflicts as it would have alone).

When a batch fails, each of its requests is saved alone, so only the request at fault fails; its
aggregates get their pending events back first. A crash loses only requests not yet answered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Save = Callable[..., Any]
"""Saves the pending events of the aggregates given, in one transaction (eventsourcing's
`Application.save`)."""


@dataclass(eq=False)
class _Request:
    aggregates: Sequence[Any]
    done: bool = False
    error: BaseException | None = None
    result: Any = None
    pending: list[tuple[Any, list[Any]]] = field(default_factory=list)

    def keep_pending(self) -> None:
        """Remembers the aggregates' pending events, which a failed save would have taken."""
        self.pending = [(a, list(a.pending_events)) for a in self.aggregates]

    def restore_pending(self) -> None:
        for aggregate, events in self.pending:
            aggregate.pending_events[:] = events


class GroupCommitter:
    """Saves concurrent requests together through `save`, each answered after its commit."""

    def __init__(self, save: Save, max_batch: int = 100) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._save = save
        self.max_batch = max_batch
        self._queue: list[_Request] = []
        self._committing = False
        self._changed = threading.Condition()
        self.batches = 0
        self.fallbacks = 0

    def save(self, *aggregates: Any) -> Any:
        """Saves the aggregates' pending events, in a transaction with whatever other requests are
        queued; returns once it committed, or raises this request's error."""
        request = _Request(aggregates)
        with self._changed:
            self._queue.append(request)
            while not request.done and self._committing:
                self._changed.wait()
            if request.done:
                return _answer(request)
            self._committing = True
        try:
            while not request.done:
                with self._changed:
                    batch = self._take()
                self._commit(batch)
                with self._changed:
                    self._changed.notify_all()
        finally:
            with self._changed:
                self._committing = False
                self._changed.notify_all()
        return _answer(request)

    def _take(self) -> list[_Request]:
        """The oldest requests, at most `max_batch`, no aggregate twice."""
        batch: list[_Request] = []
        ids: set[Any] = set()
        for request in list(self._queue):
            if len(batch) == self.max_batch:
                break
            names = {a.id for a in request.aggregates}
            if names & ids:
                continue
            ids |= names
            batch.append(request)
            self._queue.remove(request)
        return batch

    def _commit(self, batch: list[_Request]) -> None:
        self.batches += 1
        if len(batch) == 1:
            _commit_alone(self._save, batch[0])
            return
        for request in batch:
            request.keep_pending()
        try:
            result = self._save(*(a for request in batch for a in request.aggregates))
        except BaseException:
            self.fallbacks += 1
            for request in batch:
                request.restore_pending()
                _commit_alone(self._save, request)
            return
        for request in batch:
            request.result, request.done = result, True


def _commit_alone(save: Save, request: _Request) -> None:
    try:
        request.result = save(*request.aggregates)
    except BaseException as exc:
        request.error = exc
    request.done = True


def _answer(request: _Request) -> Any:
    if request.error is not None:
        raise request.error
    return request.result
