"""Forwarding one request to a service over its own `httpx.AsyncClient`, the answer streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import httpx

from okr_web.proxy.domain import request_headers, response_headers, upstream_path, wants_events
from okr_web.unavailable import Unavailable


@dataclass(frozen=True)
class Outgoing:
    """A request as the proxy received it, with the rest of the path still percent-encoded."""

    method: str
    raw_rest: str
    query: bytes
    headers: list[tuple[str, str]]
    body: bytes
    client_host: str | None
    scheme: str
    host: str | None


@dataclass
class Answer:
    """The service's answer: status, headers to pass back and the body as it arrives."""

    status: int
    headers: list[tuple[str, str]]
    response: httpx.Response

    async def body(self) -> AsyncIterator[bytes]:
        """The body's bytes as the service sends them (not decoded); closes when done."""
        try:
            async for chunk in self.response.aiter_raw():
                yield chunk
        except httpx.HTTPError:
            return
        finally:
            await self.response.aclose()


class Forwarder:
    """Forwards requests to the services, one client (and connection pool) per service."""

    def __init__(self, clients: Mapping[str, httpx.AsyncClient]) -> None:
        self._clients = dict(clients)

    @property
    def services(self) -> list[str]:
        return list(self._clients)

    def knows(self, service: str) -> bool:
        return service in self._clients

    def client(self, service: str) -> httpx.AsyncClient:
        """The service's client, for the web server's own calls to it."""
        return self._clients[service]

    async def forward(self, service: str, outgoing: Outgoing) -> Answer:
        """Sends the request on; raises Unavailable when the service does not answer."""
        client = self._clients[service]
        path = upstream_path(outgoing.raw_rest)
        url = httpx.URL(path, query=outgoing.query) if outgoing.query else httpx.URL(path)
        request = client.build_request(
            outgoing.method,
            url,
            headers=request_headers(
                outgoing.headers, outgoing.client_host, outgoing.scheme, outgoing.host
            ),
            content=outgoing.body,
        )
        if wants_events(outgoing.headers):
            # A server-sent event stream stays open between events: no read timeout.
            timeout = dict(request.extensions["timeout"])
            request.extensions["timeout"] = {**timeout, "read": None}
        try:
            response = await client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise Unavailable(service, f"The {service} service did not answer in time.") from exc
        except httpx.TransportError as exc:
            raise Unavailable(
                service, f"The {service} service cannot be reached ({type(exc).__name__})."
            ) from exc
        return Answer(
            response.status_code, response_headers(response.headers.multi_items()), response
        )

    async def live(self, service: str) -> None:
        """Raises unless the service answers its liveness check."""
        response = await self._clients[service].get("/health/live")
        response.raise_for_status()

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()


def clients(
    urls: Mapping[str, str],
    connect: float,
    read: float,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> dict[str, httpx.AsyncClient]:
    """One client per service: its base address, timeouts, no redirects followed, no cookies kept;
    `transports` replace the network for some services (tests)."""
    timeout = httpx.Timeout(read, connect=connect)
    return {
        name: httpx.AsyncClient(
            base_url=url,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            transport=(transports or {}).get(name),
        )
        for name, url in urls.items()
    }
