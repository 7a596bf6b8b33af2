"""What counts as a message or feedback text, in conversations and feedback alike."""

from __future__ import annotations

from okr_shared.errors import InvalidField
from okr_shared.personal import is_sealed


def check_text(text: str, pointer: str = "#/text") -> None:
    """Refuses an empty or too long text; a sealed text was checked before it was sealed."""
    if is_sealed(text):
        return
    if not 1 <= len(text.strip()) <= 4000:
        raise InvalidField(pointer, "must be 1 to 4000 characters")
