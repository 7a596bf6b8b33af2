"""What the proxy forwards: the upstream path, and the headers kept each way (no I/O)."""

from __future__ import annotations

from urllib.parse import unquote

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
"""Headers that belong to one connection (RFC 9110 7.6.1), never forwarded."""

NOT_FORWARDED = frozenset({"host", "content-length"})
"""Request headers the client to the upstream sets itself."""


class UnsafePath(ValueError):
    """A path that would leave the service's prefix (`..`, `.`, an encoded slash)."""


def upstream_path(raw_rest: str) -> str:
    """The service's path for the raw (still percent-encoded) rest after `/api/<service>`.

    Refuses any segment that decodes to `.` or `..` or holds an encoded slash or backslash, so a
    request never reaches a path outside the service's prefix, however it is encoded."""
    rest = raw_rest.lstrip("/")
    for segment in rest.split("/"):
        decoded = unquote(segment)
        if decoded in (".", "..") or "/" in decoded or "\\" in decoded:
            raise UnsafePath(f"the path segment {segment!r} is not allowed")
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded):
            raise UnsafePath("the path holds control characters")
    return "/" + rest


def _connection_tokens(headers: list[tuple[str, str]]) -> set[str]:
    """The header names a `Connection` header declares hop-by-hop."""
    return {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
        if token.strip()
    }


def request_headers(
    headers: list[tuple[str, str]], client_host: str | None, scheme: str, host: str | None
) -> list[tuple[str, str]]:
    """The request headers sent upstream: all but hop-by-hop ones, with X-Forwarded-*."""
    dropped = HOP_BY_HOP | NOT_FORWARDED | _connection_tokens(headers)
    kept = [(n, v) for n, v in headers if n.lower() not in dropped]
    forwarded_for = [v for n, v in headers if n.lower() == "x-forwarded-for"]
    kept = [(n, v) for n, v in kept if not n.lower().startswith("x-forwarded-")]
    if client_host:
        forwarded_for.append(client_host)
    if forwarded_for:
        kept.append(("x-forwarded-for", ", ".join(forwarded_for)))
    kept.append(("x-forwarded-proto", scheme))
    if host:
        kept.append(("x-forwarded-host", host))
    return kept


def response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The upstream's response headers passed back: all but hop-by-hop ones."""
    dropped = HOP_BY_HOP | _connection_tokens(headers)
    return [(n, v) for n, v in headers if n.lower() not in dropped]


def wants_events(headers: list[tuple[str, str]]) -> bool:
    """Whether the request asks for a server-sent event stream (kept open, never timed out)."""
    return any(n.lower() == "accept" and "text/event-stream" in v.lower() for n, v in headers)
