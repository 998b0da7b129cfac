"""The app under a real uvicorn server (one for the run), with the sign-in settings a test
chooses."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn

from saldo.runtime import Runtime
from tests.channels.web.support import Server, Web


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server()
    # as ``saldo serve``: the peer address is the socket's (uvicorn believes no proxy header)
    config = uvicorn.Config(running.switch, log_level="warning", lifespan="on", proxy_headers=False)
    running.server = uvicorn.Server(config)
    running.thread = threading.Thread(
        target=running.server.run, kwargs={"sockets": [running.sock]}, daemon=True
    )
    running.start()
    yield running
    running.stop()


@pytest.fixture
def app(server: Server, rt: Runtime) -> Iterator[Callable[..., Web]]:
    """``app(**web_settings)``: the app on the test's database with ``SALDO_WEB_*`` changed."""
    opened: list[Web] = []

    def make(**web: Any) -> Web:
        # validated as the environment's values are (a proxy list given as text is split)
        changed = rt.settings.web.model_validate({**rt.settings.web.model_dump(), **web})
        settings = rt.settings.model_copy(update={"web": changed})
        opened.append(Web(server, dataclasses.replace(rt, settings=settings)))
        return opened[-1]

    yield make
    for web in opened:
        web.close()


def number(i: int) -> str:
    """A valid mobile number that is nobody's line, in a number range of its own."""
    return f"+39348{i:03d}{(i * 37) % 10000:04d}"


@pytest.fixture
def web_app(app: Callable[..., Web]) -> Web:
    """The app with the default settings."""
    return app()
