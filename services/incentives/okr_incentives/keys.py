"""Aggregate and entry ids derived from tenant and business keys, so lookups and retries need no
index."""

from __future__ import annotations

from uuid import UUID, uuid5

_NAMESPACE = UUID("5d0c7a3e-8f41-4b6e-a2d9-1c7e3b9f4a62")


def policy_uuid(tenant_id: str, policy_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00reward-policy\x00{policy_id}")


def cycle_awards_uuid(tenant_id: str, cycle_id: str) -> UUID:
    """The awards of a cycle: binding a policy to it again names the same aggregate."""
    return uuid5(_NAMESPACE, f"{tenant_id}\x00cycle-awards\x00{cycle_id}")


def award_uuid(tenant_id: str, cycle_id: str, person_id: str) -> UUID:
    """A person's award in a cycle: one per person and cycle."""
    return uuid5(_NAMESPACE, f"{tenant_id}\x00award\x00{cycle_id}\x00{person_id}")


def adjustment_uuid(award_id: str, source_event_id: str) -> UUID:
    """The compensation of an award for one review event: the same event names the same one."""
    return uuid5(_NAMESPACE, f"adjustment\x00{award_id}\x00{source_event_id}")


def export_uuid(tenant_id: str, cycle_id: str, ledger_position: int) -> UUID:
    """The payroll export of a cycle's ledger at a position: the same ledger names the same one."""
    return uuid5(_NAMESPACE, f"{tenant_id}\x00payroll-export\x00{cycle_id}\x00{ledger_position}")


def recognition_settings_uuid(tenant_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00recognition-settings")


def cycle_recognition_uuid(tenant_id: str, cycle_id: str) -> UUID:
    """The kudos and nominations of a cycle."""
    return uuid5(_NAMESPACE, f"{tenant_id}\x00cycle-recognition\x00{cycle_id}")


def person_badges_uuid(tenant_id: str, person_id: str) -> UUID:
    return uuid5(_NAMESPACE, f"{tenant_id}\x00person-badges\x00{person_id}")


def streak_badge_uuid(tenant_id: str, person_id: str, streak_start: str) -> UUID:
    """A streak badge is named by its person and the start of its streak."""
    return uuid5(_NAMESPACE, f"{tenant_id}\x00streak-badge\x00{person_id}\x00{streak_start}")
