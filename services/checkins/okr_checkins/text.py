"""What counts as a message or feedback text, in conversations and feedback alike."""

from __future__ import annotations

from okr_shared.errors import InvalidField


def check_text(text: str, pointer: str = "#/text") -> None:
    if not 1 <= len(text.strip()) <= 4000:
        raise InvalidField(pointer, "must be 1 to 4000 characters")
