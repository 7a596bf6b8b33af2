"""Refusals resting on learned knowledge stand only once that knowledge is known to be current.

The check-in service's rule (`okr_checkins.knowledge.refusals`), written again here: services
share only `okr_shared`, and this belongs there once both use it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NoReturn, TypeVar

from okr_shared.errors import DomainError, NotKnownYet

M = TypeVar("M", bound=Callable[..., Any])

_REFUSALS_FINAL: ContextVar[bool] = ContextVar("refusals_final", default=False)


class _Unconfirmed(NotKnownYet):
    """A refusal read from goal knowledge not yet known to be current (503 if it ever escapes)."""

    def __init__(self, refusal: DomainError) -> None:
        super().__init__(
            f"This service may not have learned the latest goal and check-in changes yet, so it "
            f"cannot tell for sure ({refusal}); retry shortly.",
            getattr(refusal, "field", "#"),
        )
        self.refusal = refusal


def refuse(refusal: DomainError) -> NoReturn:
    """Raises a refusal resting on learned knowledge: final on a read made once that knowledge
    was known current, else to be confirmed (see `confirms_refusals`)."""
    if _REFUSALS_FINAL.get():
        raise refusal
    raise _Unconfirmed(refusal)


def confirms_refusals(method: M) -> M:
    """Runs a handler's command or query; a refusal resting on learned knowledge stands only if,
    once that knowledge is known to be current, a second run on a fresh read refuses too. While the
    knowledge may be behind Kafka, the answer is NotKnownYet (503) instead. The handler asks
    its `knowledge` (a `Knowledge`) for the freshness."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _REFUSALS_FINAL.get():
            return method(self, *args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except _Unconfirmed as exc:
            if not self.knowledge.freshness.is_current():
                raise NotKnownYet(str(exc), exc.field) from exc.refusal
        token = _REFUSALS_FINAL.set(True)
        try:
            return method(self, *args, **kwargs)
        finally:
            _REFUSALS_FINAL.reset(token)

    return run  # type: ignore[return-value]
