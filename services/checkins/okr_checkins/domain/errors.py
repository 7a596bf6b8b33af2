"""Errors of the check-in domain: the platform's typed errors, plus those only check-ins raise."""

from __future__ import annotations

from okr_shared.errors import Conflict, NotFound


class KeyResultClosed(Conflict):
    """The key result's objective or cycle no longer takes check-ins."""

    title = "Key result closed"
    kind = "key-result-closed"


class CheckInNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("check-in", key)


class KeyResultNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("key result", key)


class ConversationNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("conversation", key)


class ObjectiveNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("objective", key)
