"""The client's address: the peer's, or what a trusted reverse proxy says it is."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from fastapi import Request

Network = IPv4Network | IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(setting: str) -> tuple[Network, ...]:
    """``SALDO_WEB_TRUSTED_PROXIES``: comma-separated addresses or CIDRs."""
    return tuple(
        ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()
    )


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: Request, trusted_proxies: str) -> str:
    """The address the request came from. ``X-Forwarded-For`` is read only when the peer is
    a trusted proxy, from the right: the first address not itself a trusted proxy is the
    client (what a client wrote to the left of it is its own claim, never believed)."""
    peer = request.client.host if request.client else ""
    proxies = trusted_networks(trusted_proxies)
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed(hops):
        if not hop:
            continue
        if not _trusted(hop, proxies):
            try:
                return str(ip_address(hop))
            except ValueError:
                return peer  # garbage in the header: the proxy's own address counts instead
    return peer
