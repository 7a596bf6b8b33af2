"""Personal data that can be erased without editing the event log (crypto-shredding).

A person's names, e-mail and free texts are sealed with that person's data key before they reach
an aggregate, so the stored events (and the published form the audit chain hashes) hold only
sealed strings. Deleting the key erases the text everywhere the sealed string went; the stored
events, and so the chain, stay as they were.
"""

from okr_shared.personal.keys import KeyTable, MemoryKeyTable, SqlKeyTable, open_key_table
from okr_shared.personal.publisher import OpeningPublisher
from okr_shared.personal.sealing import (
    ERASED,
    ERASURE_EVENT,
    SEALED_PREFIX,
    PersonalData,
    erase_on,
    is_sealed,
)

__all__ = [
    "ERASED",
    "ERASURE_EVENT",
    "SEALED_PREFIX",
    "KeyTable",
    "MemoryKeyTable",
    "OpeningPublisher",
    "PersonalData",
    "SqlKeyTable",
    "erase_on",
    "is_sealed",
    "open_key_table",
]
