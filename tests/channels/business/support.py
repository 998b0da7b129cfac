"""Signed-in clients of the business API."""

from __future__ import annotations

import httpx

from tests.accounts.support import PASSWORD
from tests.channels.web.support import Web

API = "/api/v1/business"


def login(web: Web, email: str, password: str = PASSWORD, **extra: str) -> httpx.Client:
    """A client carrying a bearer token of ``email``."""
    client = web.client()
    answer = client.post(f"{API}/token", json={"email": email, "password": password, **extra})
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return client
