"""Erasing a person's personal data: the erasure event stored first, then the key deleted, so a
failed deletion is mended by asking again (the erasure is idempotent)."""

from __future__ import annotations

from okr_goals.erasure.commands import ErasePersonalData, Erasure
from okr_goals.errors import Forbidden, InvalidField, PersonNotFound
from okr_goals.store import GoalsStore
from okr_shared.event_meta import Caller

ERASED_FIELDS = ("name", "email")
"""What the goal service holds of a person sealed."""
REASON_LIMIT = 500


class ErasureHandlers:
    """Erasure of the directory's personal data of one person, by an admin."""

    def __init__(self, store: GoalsStore) -> None:
        self.store = store

    def erase(self, command: ErasePersonalData, caller: Caller) -> Erasure:
        """Stores `PersonalDataErased` (once) and deletes the person's data key."""
        if not caller.is_admin:
            raise Forbidden("#", "only admins erase personal data")
        reason = command.reason.strip()
        if not reason:
            raise InvalidField("#/reason", "is required")
        if len(reason) > REASON_LIMIT:
            raise InvalidField("#/reason", f"at most {REASON_LIMIT} characters")
        person = self.store.find_person(caller.tenant_id, command.person_id)
        if person is None:
            raise PersonNotFound(command.person_id)
        first = person.erase(reason, caller.meta)
        if first:
            self.store.save_checked([person], person.version - 1)
        deleted = self.store.personal.erase(caller.tenant_id, command.person_id)
        return Erasure(
            person_id=command.person_id,
            reason=reason,
            fields=ERASED_FIELDS,
            keys_deleted=deleted,
            already_erased=not first,
            version=person.version,
        )
