"""Typed domain errors every service raises; entry points turn them into problem details.

Each class says how it is answered over HTTP (`status`, `title`, `kind`), so the mapping is
one function for the whole platform.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every domain error."""

    status = 400
    title = "Bad request"
    kind = "bad-request"

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries (none unless a subclass says so)."""
        return {}


class InvalidField(DomainError):
    """A command field breaks a rule; `field` is a JSON pointer into the command."""

    status = 422
    title = "Invalid request"
    kind = "validation"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class UnknownReference(InvalidField):
    """A field names something that does not exist in the tenant."""

    title = "Unknown reference"
    kind = "unknown-reference"


class Forbidden(InvalidField):
    """The actor has no right to this; `field` names what they may not do."""

    status = 403
    title = "Forbidden"
    kind = "forbidden"


class Conflict(InvalidField):
    """The request is valid but the state of the target refuses it (e.g. it is closed)."""

    status = 409
    title = "Conflict"
    kind = "conflict"


class AlreadyExists(Conflict):
    title = "Already exists"
    kind = "already-exists"


class NotFound(DomainError):
    """Lookups that found nothing visible to the tenant."""

    status = 404
    kind = "not-found"

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what} {key} not found")
        self.what = what
        self.key = key

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"{self.what.capitalize()} not found"


class VersionConflict(DomainError):
    """The aggregate changed since the version the caller expected."""

    status = 409
    title = "Version conflict"
    kind = "version-conflict"

    def __init__(self, expected: int, actual: int | None) -> None:
        super().__init__(f"expected version {expected}, found {actual}")
        self.expected = expected
        self.actual = actual


class IdempotencyConflict(DomainError):
    """An idempotency key was reused for a different request."""

    status = 409
    title = "Idempotency key reused"
    kind = "idempotency-conflict"


class Rejected(DomainError):
    """A batch (an import file) has broken items; nothing of it was stored."""

    status = 422
    title = "Rejected"
    kind = "import-rejected"

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing was stored")
        self.errors = errors


class NotKnownYet(DomainError):
    """A refusal that would rest on knowledge learned from events, while that knowledge may be
    behind: the caller is asked to retry instead of being told something possibly false.
    `field` names what the refusal was about (a JSON pointer, `#` when none)."""

    status = 503
    title = "Not known yet"
    kind = "not-known-yet"

    def __init__(self, detail: str, field: str = "#", retry_after_seconds: int = 1) -> None:
        super().__init__(detail)
        self.field = field
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class Contended(DomainError):
    """Concurrent writes to the same records kept colliding until the retries ran out; nothing of
    this request was stored, and the same request may simply be sent again."""

    status = 503
    title = "Busy"
    kind = "write-contention"

    def __init__(self, detail: str = "", retry_after_seconds: int = 1) -> None:
        super().__init__(
            detail
            or "Other writes to the same records kept colliding with this one; nothing "
            "was stored. Send the request again."
        )
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class StoreUnavailable(DomainError):
    """The service's database could not be reached, or the connection broke during the request:
    a write may or may not have been stored, so it is sent again with its idempotency key."""

    status = 503
    title = "Store unavailable"
    kind = "store-unavailable"

    def __init__(self, retry_after_seconds: int = 2) -> None:
        super().__init__(
            "The service's database is unreachable or the connection broke; the request may or "
            "may not have been applied. Send it again (with the same Idempotency-Key)."
        )
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}
