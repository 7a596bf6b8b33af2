"""Aggregate ids derived from tenant and business keys, so lookups and retries need no index."""

from __future__ import annotations

from uuid import UUID, uuid5

_NAMESPACE = UUID("c4e1d0a7-5b2f-4a6e-9d3c-8f7b1e2a6c90")


def key_result_log_uuid(tenant_id: str, key_result_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00kr-log\x00{key_result_id}")


def reminder_ledger_uuid(tenant_id: str, key_result_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00reminders\x00{key_result_id}")


def cadence_uuid(tenant_id: str, scope: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00cadence\x00{scope}")


def feedback_uuid(tenant_id: str, objective_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00feedback\x00{objective_id}")


def conversation_index_uuid(tenant_id: str, person_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00conversations\x00{person_id}")


def integration_check_in_id(tenant_id: str, source_key: str) -> str:
    """The check-in an integration's item becomes: a retried item names the same check-in."""
    return str(uuid5(_NAMESPACE, f"{tenant_id}\x00integration\x00{source_key}"))


def repeatable_check_in_id(
    tenant_id: str, actor_id: str, key_result_id: str, idempotency_key: str
) -> str:
    """The check-in a request with an Idempotency-Key becomes: the same person retrying on the
    same key result names the same check-in."""
    name = f"{tenant_id}\x00idempotency\x00{actor_id}\x00{key_result_id}\x00{idempotency_key}"
    return str(uuid5(_NAMESPACE, name))
