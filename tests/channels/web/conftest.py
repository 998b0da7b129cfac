"""A real uvicorn server for the whole run; each test gets the app on its own database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from saldo.payments.sandbox import SANDBOX
from saldo.runtime import Runtime
from tests.channels.web.support import Server, Web


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def web(server: Server, rt: Runtime) -> Iterator[Web]:
    rt.settings.web.payment_provider = SANDBOX  # named explicitly: the test cards top up
    app = Web(server, rt)
    yield app
    app.close()
