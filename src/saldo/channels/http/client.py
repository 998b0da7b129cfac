"""Who is on the other end of a request: its address and scheme, proxies taken into account.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are anyone's to write: they are believed only
when the peer that sent them is one of ``SALDO_WEB_TRUSTED_PROXIES``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, MutableMapping
from functools import lru_cache
from typing import Any

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """The reverse proxies (addresses or networks) whose forwarding headers are believed."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()
        )

    def trusts(self, address: str | None) -> bool:
        if not address or not self.networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def _header(scope: MutableMapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def peer(scope: MutableMapping[str, Any]) -> str | None:
    """The address of the socket's other end."""
    client = scope.get("client")
    return str(client[0]) if client else None


def client_address(scope: MutableMapping[str, Any], proxies: TrustedProxies) -> str | None:
    """The client's address: the peer's, or, behind trusted proxies, the nearest address in
    ``X-Forwarded-For`` that is not one of them (what precedes it may be forged)."""
    address = peer(scope)
    if not proxies.trusts(address):
        return address
    forwarded = _header(scope, b"x-forwarded-for")
    for hop in reversed([h.strip() for h in (forwarded or "").split(",") if h.strip()]):
        if not proxies.trusts(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # garbage in the header: the last trusted hop counts instead
        address = hop
    return address


@lru_cache(maxsize=8)
def _proxies(entries: tuple[str, ...]) -> TrustedProxies:
    return TrustedProxies(entries)


def request_client(request: Request, trusted: Iterable[str]) -> str:
    """The client's address of a request (``""`` when unknown), for rate limits and logs."""
    return client_address(request.scope, _proxies(tuple(trusted))) or ""


def scheme(scope: MutableMapping[str, Any], proxies: TrustedProxies) -> str:
    """``https`` or ``http`` as the client used it: the socket's, or a trusted proxy's word."""
    own = str(scope.get("scheme", "http"))
    if proxies.trusts(peer(scope)):
        said = (_header(scope, b"x-forwarded-proto") or "").split(",")[0].strip().lower()
        if said in ("http", "https"):
            return said
    return own
