"""The OpenAPI docs work on a server without internet: every asset is Saldo's own."""

from __future__ import annotations

import asyncio
import re

import httpx

from saldo.channels.web.app import create_app
from saldo.runtime import Runtime


def test_docs_and_their_assets_are_served_locally(rt: Runtime) -> None:
    async def fetch() -> tuple[httpx.Response, list[httpx.Response], httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(rt))
        async with httpx.AsyncClient(transport=transport, base_url="http://saldo.test") as client:
            page = await client.get("/docs")
            assets = re.findall(r"(?:src|href)=['\"]([^'\"]+)['\"]", page.text)
            loaded = [await client.get(url) for url in assets]
            spec = await client.get("/openapi.json")
            return page, loaded, spec

    page, loaded, spec = asyncio.run(fetch())
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert len(loaded) >= 3 and all(r.status_code == 200 for r in loaded)
    assert "/healthz" in spec.json()["paths"]
