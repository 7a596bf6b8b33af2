"""Batches of check-ins from other systems, one idempotency key per item."""
