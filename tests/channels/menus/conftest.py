"""A real uvicorn server on a loopback port chosen by the OS, in a thread, per test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from pydantic import SecretStr

from saldo.channels.http.app import create_app
from saldo.config import CareSettings, GatewaySettings, TwilioSettings
from saldo.runtime import Runtime
from tests.channels.menus.phone import TOKEN, TwilioPhone, UssdPhone

GATEWAY = ("ussd-gateway", "s3cret-gateway")


@pytest.fixture
def voice_rt(rt: Runtime) -> Runtime:
    """The test runtime with a Twilio auth token, gateway credentials and care hours set."""
    rt.settings.twilio = TwilioSettings(auth_token=SecretStr(TOKEN), public_url="")
    rt.settings.gateway = GatewaySettings(user=GATEWAY[0], password=SecretStr(GATEWAY[1]))
    rt.settings.care = CareSettings(
        destination="+390699999999",
        business_destination="+390699999998",
        opens="08:00",
        closes="22:00",
    )
    return rt


@contextmanager
def serving(rt: Runtime) -> Iterator[str]:
    """The web app of ``rt`` under uvicorn on 127.0.0.1, port chosen by the OS."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say they are TCP
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(rt), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    while not started.wait(0.01):
        if server.started or not thread.is_alive():
            break
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def base_url(voice_rt: Runtime) -> Iterator[str]:
    with serving(voice_rt) as url:
        yield url


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def phone(http: httpx.Client, base_url: str) -> TwilioPhone:
    return TwilioPhone(http, base_url)


@pytest.fixture
def ussd(http: httpx.Client) -> UssdPhone:
    return UssdPhone(http, GATEWAY)
