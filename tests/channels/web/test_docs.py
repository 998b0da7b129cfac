"""The OpenAPI docs work on a server without internet: every asset is Saldo's own."""

from __future__ import annotations

import re

from tests.channels.web.support import Web


def test_docs_and_their_assets_are_served_locally(web: Web) -> None:
    client = web.client()
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assets = re.findall(r"(?:src|href)=['\"]([^'\"]+)['\"]", page.text)
    assert len(assets) >= 3
    assert all(client.get(url).status_code == 200 for url in assets)
    assert "/healthz" in client.get("/openapi.json").json()["paths"]
