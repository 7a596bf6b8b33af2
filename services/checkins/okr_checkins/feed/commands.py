"""The integration feed's items and their results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from okr_checkins.check_ins.commands import Report


@dataclass(frozen=True)
class FeedItem:
    source_key: str
    key_result_id: str
    report: Report


@dataclass(frozen=True)
class FeedResult:
    """The outcome of one item of an integration batch."""

    index: int
    source_key: str
    status: str
    check_in_id: str | None = None
    problem: dict[str, Any] | None = None
