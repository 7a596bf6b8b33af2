"""Sealing a person's text with their data key, and opening it again while the key exists.

A sealed value is the string `sealed:v1:<key id>:<base64>`: AES-SIV (RFC 5297) with a 512-bit
key, the tenant and person bound as associated data. AES-SIV is deterministic: the same text
under the same key seals to the same string, so "did this field change?" comparisons over sealed
values still work. What it reveals is only that two values of one person are equal.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from okr_shared.personal.keys import KeyTable

SEALED_PREFIX = "sealed:v1:"
ERASED = ""
"""What an erased value reads as in published events and reads: the empty string, which every
field marked `x-okr-personal` allows (the contracts README)."""

T = TypeVar("T")


def is_sealed(value: object) -> bool:
    """Whether the value is a sealed string."""
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def _parts(value: str) -> tuple[str, bytes] | None:
    key_id, _, payload = value[len(SEALED_PREFIX) :].partition(":")
    try:
        return key_id, base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


class PersonalData:
    """Seals and opens personal text with the per-person keys of one service's key table.

    Keys found are kept `cache_seconds` (the table is read once per key, not per value); a key
    erased in this process is forgotten at once, one erased by another replica within that time.
    """

    def __init__(
        self,
        keys: KeyTable,
        cache_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keys = keys
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, tuple[str, str, bytes] | None]] = {}
        self._guard = threading.Lock()

    def seal(self, tenant_id: str, person_id: str, text: str | None) -> str | None:
        """The text sealed with the person's key (made on first use); None, empty and already
        sealed values are returned as they are."""
        if not text or is_sealed(text):
            return text
        current = self.keys.current(tenant_id, person_id)
        if current is None:
            current = self.keys.create(tenant_id, person_id, AESSIV.generate_key(512))
        key_id, key = current
        sealed = AESSIV(key).encrypt(text.encode(), [tenant_id.encode(), person_id.encode()])
        return f"{SEALED_PREFIX}{key_id}:{base64.b64encode(sealed).decode()}"

    def seal_all(self, tenant_id: str, person_id: str, value: T) -> T:
        """Every string in `value` (a string, or dicts and lists of them) sealed."""
        return _walk(value, lambda text: self.seal(tenant_id, person_id, text))

    def open(self, value: str | None) -> str | None:
        """The text of a sealed value (a plain value as it is); None when its key was erased."""
        if not is_sealed(value):
            return value
        assert value is not None
        parts = _parts(value)
        entry = self._key(parts[0]) if parts else None
        if parts is None or entry is None:
            return None
        tenant_id, person_id, key = entry
        try:
            plain = AESSIV(key).decrypt(parts[1], [tenant_id.encode(), person_id.encode()])
        except InvalidTag:
            return None
        return plain.decode()

    def opened(self, value: T, erased: Any = ERASED) -> T:
        """`value` with every sealed string in it (through dicts, lists and tuples) opened; an
        erased one becomes `erased`."""

        def one(text: str) -> Any:
            if not is_sealed(text):
                return text
            plain = self.open(text)
            return erased if plain is None else plain

        return _walk(value, one)

    def opened_checked(self, data: dict[str, Any]) -> tuple[dict[str, Any], set[tuple]]:
        """`data` opened, and the paths of the values found erased (left as the marker)."""
        erased: set[tuple] = set()

        def walk(value: Any, path: tuple) -> Any:
            if isinstance(value, dict):
                return {k: walk(v, (*path, k)) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v, (*path, i)) for i, v in enumerate(value)]
            if not is_sealed(value):
                return value
            plain = self.open(value)
            if plain is None:
                erased.add(path)
                return ERASED
            return plain

        return walk(data, ()), erased

    def erase(self, tenant_id: str, person_id: str) -> int:
        """Deletes the person's keys (idempotent); how many there were."""
        deleted = self.keys.delete(tenant_id, person_id)
        with self._guard:
            self._cache = {
                k: v
                for k, v in self._cache.items()
                if v[1] is None or v[1][:2] != (tenant_id, person_id)
            }
        return deleted

    def _key(self, key_id: str) -> tuple[str, str, bytes] | None:
        now = self._clock()
        with self._guard:
            cached = self._cache.get(key_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        entry = self.keys.find(key_id)
        with self._guard:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key_id] = (now + self._cache_seconds, entry)
        return entry


def _walk(value: Any, one: Callable[[str], Any]) -> Any:
    if isinstance(value, str):
        return one(value)
    if isinstance(value, dict):
        return {k: _walk(v, one) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, one) for v in value]
    if isinstance(value, tuple):
        return tuple(_walk(v, one) for v in value)
    return value


ERASURE_EVENT = "PersonalDataErased"


def erase_on(personal: PersonalData | None, event_type: str, tenant_id: str, data: dict) -> bool:
    """Deletes the person's key when the goal event is an erasure (idempotent); whether it was."""
    if personal is None or event_type != ERASURE_EVENT:
        return False
    personal.erase(tenant_id, data["person_id"])
    return True
