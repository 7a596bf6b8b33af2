"""Confidence of a check-in (0 to 10) and its band, shared by every service that shows it."""

from __future__ import annotations

from okr_shared.contracts.vocabulary import CONFIDENCE_BANDS

BANDS = CONFIDENCE_BANDS


def band(confidence: int) -> str:
    """on_track for 7-10, at_risk for 4-6, off_track for 0-3."""
    if not 0 <= confidence <= 10:
        raise ValueError("confidence must be between 0 and 10")
    if confidence >= 7:
        return "on_track"
    if confidence >= 4:
        return "at_risk"
    return "off_track"


def trend(previous: int | None, current: int) -> str:
    """Whether confidence went up, down or stayed since the previous check-in."""
    if previous is None or previous == current:
        return "steady"
    return "rising" if current > previous else "falling"
