"""Exports a tenant's audit bundle from the write services: preferably through their HTTP audit
routes (with an auditor's or admin's token, so access is enforced and the read recorded), or
from `AuditService` objects in the same process.

A bundle bounded below starts right after the latest checkpoint before `from_` (the services
answer so), so its `previous_hash` is a signed value; `to` bounds it above. Positions are
notification-log positions of each service; times select by when the events were recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx

from okr_shared.audit.bundle import ServiceBundle, write_bundle
from okr_shared.audit.canonical import rfc3339
from okr_shared.audit.chain import Checkpoint
from okr_shared.audit.service import AuditService
from okr_shared.event_meta import Caller

Bound = int | datetime | None


class ExportFailed(Exception):
    """A service refused or answered something unusable; the message says which and why."""


class AuditSource(Protocol):
    """One service's audit reads, as the routes answer them (JSON documents)."""

    service: str

    def keys(self) -> list[dict[str, str]]: ...

    def checkpoints(self) -> list[dict[str, Any]]: ...

    def events(self, query: dict[str, Any]) -> dict[str, Any]: ...

    def sign(self) -> dict[str, Any] | None:
        """A checkpoint covering the tenant's chain as far as it is chained now, or None."""
        ...


class HttpSource:
    """A service's `/v1/audit/*` routes at `url`, read with a bearer `token`."""

    def __init__(
        self,
        service: str,
        url: str,
        token: str,
        timeout: float = 60.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.service = service
        self._client = client or httpx.Client(base_url=url.rstrip("/"), timeout=timeout)
        self._client.headers["Authorization"] = f"Bearer {token}"

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        try:
            response = self._client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise ExportFailed(f"{self.service}: {exc}") from exc
        if response.status_code != 200:
            raise ExportFailed(
                f"{self.service}: {path} answered {response.status_code}: {response.text[:300]}"
            )
        return response.json()

    def keys(self) -> list[dict[str, str]]:
        return self._get("/v1/audit/keys")["keys"]

    def checkpoints(self) -> list[dict[str, Any]]:
        return self._get("/v1/audit/checkpoints")["checkpoints"]

    def events(self, query: dict[str, Any]) -> dict[str, Any]:
        return self._get("/v1/audit/events", query)

    def sign(self) -> dict[str, Any] | None:
        try:
            response = self._client.post("/v1/audit/checkpoints")
        except httpx.HTTPError as exc:
            raise ExportFailed(f"{self.service}: {exc}") from exc
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            raise ExportFailed(
                f"{self.service}: signing a checkpoint answered {response.status_code}: "
                f"{response.text[:300]}"
            )
        return response.json()

    def close(self) -> None:
        self._client.close()


class LocalSource:
    """An `AuditService` in this process, read as `caller`."""

    def __init__(self, audit: AuditService, caller: Caller) -> None:
        self.service = audit.service
        self._audit = audit
        self._caller = caller

    def keys(self) -> list[dict[str, str]]:
        return self._audit.keys(self._caller)

    def checkpoints(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self._audit.checkpoints(self._caller)]

    def sign(self) -> dict[str, Any] | None:
        found = self._audit.sign_head(self._caller)
        return found.as_dict() if found else None

    def events(self, query: dict[str, Any]) -> dict[str, Any]:
        times = {k: datetime.fromisoformat(v) for k, v in query.items() if k.endswith("_time")}
        page = self._audit.events(self._caller, **{**query, **times})
        return {
            "service": page.service,
            "tenant_id": page.tenant_id,
            "previous_hash": page.previous_hash,
            "events": [
                {"position": p, "line": line.decode(), "hash": h} for p, line, h in page.events
            ],
            "next_after": page.next_after,
        }


def _bounds(from_: Bound, to: Bound) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for name, value in (("from", from_), ("to", to)):
        if isinstance(value, datetime):
            query[f"{name}_time"] = value.astimezone(UTC).isoformat()
        elif value is not None:
            query[f"{name}_position"] = int(value)
    return query


def _pages(source: AuditSource, tenant: str, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
    page = source.events({**query, "limit": 1000})
    while True:
        if page.get("tenant_id") != tenant:
            raise ExportFailed(f"{source.service}: the token's tenant is not {tenant!r}")
        yield page
        if page.get("next_after") is None:
            return
        page = source.events({**query, "after": page["next_after"], "limit": 1000})


def export_service(
    source: AuditSource, tenant: str, from_: Bound, to: Bound, sign: bool = True
) -> ServiceBundle:
    """One service's part of the bundle. Without an upper bound (and unless `sign` is off) the
    service first signs its chain as far as it is chained, and the bundle ends there: a fresh
    export has no unsigned tail."""
    if to is None and sign:
        head = source.sign()
        to = head["position"] if head else None
    query = _bounds(from_, to)
    events: list[tuple[int, bytes, str | None]] = []
    previous, service = None, source.service
    for page in _pages(source, tenant, query):
        service = page.get("service", service)
        previous = previous if previous is not None else page["previous_hash"]
        events += [(e["position"], e["line"].encode(), e["hash"]) for e in page["events"]]
    checkpoints = [Checkpoint(**c) for c in source.checkpoints()]
    if events:
        kept = [c for c in checkpoints if c.position <= events[-1][0]]
    else:
        kept = [c for c in checkpoints if c.hash == previous]
    return ServiceBundle(service, str(previous), events, kept)


def _source(name: str, where: str | AuditSource, token: str | None) -> AuditSource:
    if not isinstance(where, str):
        return where
    if not token:
        raise ExportFailed(f"{name}: a token is needed to read {where}")
    return HttpSource(name, where, token)


def export_bundle(
    tenant: str,
    sources: Mapping[str, str | AuditSource],
    out_dir: str | Path,
    from_: Bound = None,
    to: Bound = None,
    token: str | None = None,
    sign: bool = True,
) -> Path:
    """Writes the tenant's bundle to `out_dir` from each service (a base URL read with `token`,
    or an `AuditSource`), in the order given; raises ExportFailed naming the service at fault."""
    parts, keys = [], {}
    for name, where in sources.items():
        source = _source(name, where, token)
        try:
            parts.append(export_service(source, tenant, from_, to, sign))
            published = source.keys()
            keys.update({k["key_id"]: k for k in published})
        finally:
            if isinstance(source, HttpSource):
                source.close()
    shown = [v.astimezone(UTC).isoformat() if isinstance(v, datetime) else v for v in (from_, to)]
    return write_bundle(
        out_dir,
        tenant,
        rfc3339(datetime.now(UTC)),
        parts,
        [keys[k] for k in sorted(keys)],
        *shown,
    )
