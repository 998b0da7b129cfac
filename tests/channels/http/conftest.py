"""A real uvicorn server as ``saldo serve`` runs it (forwarding headers left to the app)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import uvicorn

from tests.channels.web.support import Server


class PlainServer(Server):
    """The web tests' server, except that uvicorn believes no ``X-Forwarded-*`` header: the
    app decides whom to believe (``SALDO_WEB_TRUSTED_PROXIES``), as under ``saldo serve``."""

    def __init__(self) -> None:
        super().__init__()
        config = uvicorn.Config(
            self.switch, log_level="warning", lifespan="on", proxy_headers=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = PlainServer()
    running.start()
    yield running
    running.stop()
