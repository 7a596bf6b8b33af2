"""Ed25519 keys of the checkpoints: the service's signing key, key ids and signature checks."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import replace

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from okr_shared.audit.chain import Checkpoint

ALGORITHM = "Ed25519"


def key_id(public_raw: bytes) -> str:
    """The first 16 lowercase hex digits of SHA-256 of the 32-byte raw public key."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Standard base64 with padding, strictly."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8) or from the 32-byte raw key in base64."""
    if text.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the audit signing key is not an Ed25519 key")
        return key
    try:
        raw = unb64(text.strip())
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the audit signing key is neither PEM nor base64") from exc
    if len(raw) != 32:
        raise ValueError(f"the audit signing key has {len(raw)} bytes, not 32")
    return Ed25519PrivateKey.from_private_bytes(raw)


class Signer:
    """The service's signing key, with its public key and id."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_raw = _raw_public(private_key.public_key())
        self.key_id = key_id(self.public_raw)

    @classmethod
    def from_text(cls, text: str) -> Signer:
        return cls(load_private_key(text))

    def sign(self, message: bytes) -> str:
        return b64(self._key.sign(message))

    def public_entry(self) -> dict[str, str]:
        return public_entry(self.public_raw)

    def checkpoint(
        self, service: str, tenant_id: str, position: int, value: str, signed_at: str
    ) -> Checkpoint:
        """A checkpoint of the chain value `value` after `position`, signed now."""
        unsigned = Checkpoint(service, tenant_id, position, value, signed_at, self.key_id, "")
        return replace(unsigned, signature=self.sign(unsigned.message()))


def public_entry(public_raw: bytes) -> dict[str, str]:
    """A key of `keys.json`."""
    return {"key_id": key_id(public_raw), "algorithm": ALGORITHM, "public_key": b64(public_raw)}


def keyring(entries: list[dict[str, str]]) -> dict[str, bytes]:
    """key id -> raw public key, for keys whose id matches their bytes (others are left out)."""
    ring = {}
    for entry in entries:
        try:
            raw = unb64(entry["public_key"])
        except (KeyError, TypeError, binascii.Error, ValueError):
            continue
        if len(raw) == 32 and entry.get("key_id") == key_id(raw):
            ring[key_id(raw)] = raw
    return ring


def signature_fault(checkpoint: Checkpoint, keys: dict[str, bytes]) -> str | None:
    """Why the checkpoint's signature does not hold with these keys, or None when it does."""
    raw = keys.get(checkpoint.key_id)
    if raw is None:
        return f"unknown key {checkpoint.key_id}"
    try:
        signature = unb64(checkpoint.signature)
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, checkpoint.message())
    except (binascii.Error, ValueError, InvalidSignature):
        return f"signature does not verify with key {checkpoint.key_id}"
    return None
