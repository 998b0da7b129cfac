"""X-Forwarded-For and X-Forwarded-Proto are believed from trusted proxies only."""

from __future__ import annotations

from typing import Any

from saldo.channels.http.client import TrustedProxies, client_address, scheme


def _scope(peer: str, **headers: str) -> dict[str, Any]:
    return {
        "type": "http",
        "scheme": "http",
        "client": (peer, 50000),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


def test_nobody_is_trusted_by_default() -> None:
    spoofed = _scope("203.0.113.9", x_forwarded_for="10.0.0.1", x_forwarded_proto="https")
    none = TrustedProxies([])
    assert client_address(spoofed, none) == "203.0.113.9"
    assert scheme(spoofed, none) == "http"


def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() -> None:
    proxies = TrustedProxies(["10.0.0.0/8", "192.0.2.1"])
    # the client forged the first hop; the proxies appended what they saw
    forwarded = _scope(
        "10.1.2.3",
        x_forwarded_for="1.1.1.1, 198.51.100.7, 192.0.2.1",
        x_forwarded_proto="https",
    )
    assert client_address(forwarded, proxies) == "198.51.100.7"
    assert scheme(forwarded, proxies) == "https"
    assert client_address(_scope("10.1.2.3"), proxies) == "10.1.2.3"
    assert client_address(_scope("10.1.2.3", x_forwarded_for="10.9.9.9"), proxies) == "10.9.9.9"
    assert scheme(_scope("10.1.2.3", x_forwarded_proto="gopher"), proxies) == "http"
    assert not proxies.trusts("not an address") and not proxies.trusts(None)
