"""The audit settings of a write service: its checkpoint signing key and how often it signs.

The signing key is deployment configuration: `OKR_AUDIT_SIGNING_KEY` (an Ed25519 private key,
PEM or the 32-byte raw key in base64) or `OKR_AUDIT_SIGNING_KEY_FILE` (a file holding either).
Development uses a fixed key everyone knows; outside development mode the service refuses to
start with it, or without a key, as it refuses the development token key.
"""

from __future__ import annotations

from pathlib import Path

from okr_shared.settings import (
    PLACEHOLDER_MARKS,
    Csv,
    EnvSettings,
    Flag,
    UnsafeConfiguration,
    development_mode,
    env,
)

DEV_AUDIT_SIGNING_KEY = "coducnenYNQ1W9MUm7PTqqXRARup1QJwMh90kcNjse0="
"""The development signing key (raw, base64): public, so nothing it signs proves anything."""


def _dev_key() -> str:
    return DEV_AUDIT_SIGNING_KEY if development_mode() else ""


class AuditSettings(EnvSettings):
    """Signing key, earlier public keys still trusted, checkpoint intervals, chainer switch."""

    signing_key: str = env("OKR_AUDIT_SIGNING_KEY", default_factory=_dev_key, repr=False)
    signing_key_file: str = env("OKR_AUDIT_SIGNING_KEY_FILE", "")
    trusted_keys: Csv = env("OKR_AUDIT_TRUSTED_KEYS", ())
    """Public keys (raw, base64) of earlier signing keys whose checkpoints still verify."""
    checkpoint_events: int = env("OKR_AUDIT_CHECKPOINT_EVENTS", 100, ge=1)
    checkpoint_seconds: float = env("OKR_AUDIT_CHECKPOINT_SECONDS", 60.0, gt=0)
    poll_seconds: float = env("OKR_AUDIT_CHAIN_POLL", 0.2, gt=0)
    chain_enabled: Flag = env("OKR_AUDIT_CHAIN_ENABLED", True)

    def key_text(self) -> str:
        """The configured private key (from the file when one is named)."""
        if self.signing_key_file:
            return Path(self.signing_key_file).read_text().strip()
        return self.signing_key.strip()

    def problems(self) -> list[str]:
        """What makes these settings unfit for a real deployment (empty when fit)."""
        key = self.key_text()
        if not key:
            return ["no audit signing key: set OKR_AUDIT_SIGNING_KEY or OKR_AUDIT_SIGNING_KEY_FILE"]
        if key == DEV_AUDIT_SIGNING_KEY:
            return ["OKR_AUDIT_SIGNING_KEY is the development key"]
        if any(mark in key.lower() for mark in PLACEHOLDER_MARKS):
            return ["OKR_AUDIT_SIGNING_KEY is a placeholder value"]
        return []

    def refuse_unsafe(self) -> None:
        """Raises UnsafeConfiguration outside development mode when checkpoints could be forged."""
        if development_mode():
            return
        found = self.problems()
        if found:
            raise UnsafeConfiguration(
                "refusing to start: "
                + "; ".join(found)
                + " (OKR_ENV=development allows development settings locally)"
            )
