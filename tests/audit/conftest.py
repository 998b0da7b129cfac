"""The app under the run's real uvicorn server, on each test's own database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
    app = Web(server, rt)
    yield app
    app.close()
