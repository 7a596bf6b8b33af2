"""A fake of the check-in application's KnowledgeFreshness port."""

from __future__ import annotations


class FakeFreshness:
    """Says whether the goal knowledge is current, and counts how often it was asked."""

    def __init__(self, current: bool) -> None:
        self.current = current
        self.asked = 0

    def is_current(self) -> bool:
        self.asked += 1
        return self.current
