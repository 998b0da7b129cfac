"""HSTS over HTTPS only (or a trusted proxy's word for it); personal JSON is never cached."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from saldo.channels.http.client import TrustedProxies
from saldo.channels.http.security import ResponseHeaders
from saldo.runtime import Runtime
from tests.channels.web.support import Server, Web
from tests.factories import make_line

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def web(server: Server, rt: Runtime) -> Iterator[Web]:
    app = Web(server, rt)
    yield app
    app.close()


def test_personal_json_says_nosniff_and_no_store(web: Web) -> None:
    msisdn = make_line(web.rt)
    api = web.api_login(msisdn)
    token = api.post("/api/v1/auth/otp", json={"msisdn": msisdn})
    for answer in (token, api.get("/api/v1/me/balance"), api.get("/api/v1/me/usage")):
        assert answer.headers["x-content-type-options"] == "nosniff", answer.url
        assert answer.headers["cache-control"] == "no-store", answer.url
    unauthorised = web.client().get("/api/v1/me/balance")
    assert unauthorised.status_code == 401
    assert unauthorised.headers["cache-control"] == "no-store"
    health = web.client().get("/healthz")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert "cache-control" not in health.headers


def test_hsts_only_when_the_client_came_over_https(web: Web) -> None:
    client = web.client()
    assert "strict-transport-security" not in client.get("/healthz").headers
    # anyone can say X-Forwarded-Proto: without a trusted proxy it is not believed
    assert "strict-transport-security" not in client.get("/healthz", headers=HTTPS).headers


def test_hsts_behind_a_trusted_proxy_that_says_https(server: Server, rt: Runtime) -> None:
    rt.settings.web.trusted_proxies = ["127.0.0.0/8"]
    web = Web(server, rt)
    try:
        client = web.client()
        hsts = client.get("/healthz", headers=HTTPS).headers["strict-transport-security"]
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1]) >= 15552000
        assert "strict-transport-security" not in client.get("/healthz").headers
    finally:
        web.close()


def test_hsts_when_the_socket_itself_is_tls() -> None:
    """Under ``saldo serve`` with TLS, uvicorn gives the app the scheme ``https``."""
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def record(message: Any) -> None:
        sent.append(message)

    async def nothing() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    headers = ResponseHeaders(app, proxies=TrustedProxies([]))
    for scheme in ("https", "http"):
        scope = {"type": "http", "scheme": scheme, "path": "/", "headers": [], "client": None}
        asyncio.run(headers(scope, nothing, record))
    tls, plain = (dict(m["headers"]) for m in sent if m["type"] == "http.response.start")
    assert tls[b"strict-transport-security"] == b"max-age=31536000"
    assert b"strict-transport-security" not in plain
