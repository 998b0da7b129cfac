"""The app under a real uvicorn server on a free loopback port, and signed-in clients."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import uvicorn
from sqlalchemy import select

from saldo.channels.http.app import create_app
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class Switch:
    """An ASGI app that serves whichever app the current test put in it: one server for the
    whole run, a fresh app (on the test's own database) for each test."""

    def __init__(self) -> None:
        self.app: Callable[[Scope, Receive, Send], Awaitable[None]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.app is not None, "no app installed for this test"
        await self.app(scope, receive, send)


class Server:
    def __init__(self) -> None:
        self.switch = Switch()
        # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say so, and without
        # it every small response can wait for a delayed ACK (40-200 ms)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(self.switch, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class Web:
    """One test's app on the shared server."""

    def __init__(self, server: Server, rt: Runtime) -> None:
        self.rt = rt
        self.app = create_app(rt)
        server.switch.app = self.app
        self.url = server.url
        self._clients: list[httpx.Client] = []

    def client(self, **kwargs: Any) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=20, **kwargs)
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def last_code(self, msisdn: str) -> str:
        """The login code in the newest SMS to ``msisdn`` (read from the outbox)."""
        with self.rt.transaction() as session:
            body = session.scalars(
                select(OutboxMessage.body)
                .where(OutboxMessage.recipient == msisdn, OutboxMessage.topic == "otp")
                .order_by(OutboxMessage.id.desc())
                .limit(1)
            ).one()
        match = re.match(r"(\d{6}) ", body)
        assert match, body
        return match.group(1)

    def codes_sent(self, msisdn: str) -> int:
        with self.rt.transaction() as session:
            return len(
                session.scalars(
                    select(OutboxMessage.id).where(
                        OutboxMessage.recipient == msisdn, OutboxMessage.topic == "otp"
                    )
                ).all()
            )

    def browser_login(self, msisdn: str) -> httpx.Client:
        """A client signed in through the login pages, as a browser would."""
        client = self.client()
        page = client.get("/login")
        token = form_token(page.text)
        sent = client.post("/login", data={"msisdn": msisdn, "csrf": token})
        assert sent.status_code == 303, sent.text
        done = client.post("/login/code", data={"otp": self.last_code(msisdn), "csrf": token})
        assert done.status_code == 303, done.text
        return client

    def api_login(self, msisdn: str) -> httpx.Client:
        """A client carrying a bearer token for ``msisdn``."""
        client = self.client()
        assert client.post("/api/v1/auth/otp", json={"msisdn": msisdn}).status_code == 202
        answer = client.post(
            "/api/v1/auth/token", json={"msisdn": msisdn, "otp": self.last_code(msisdn)}
        )
        assert answer.status_code == 200, answer.text
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        return client


def form_token(html: str, name: str = "csrf") -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field in the page"
    return match.group(1)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed (for assertions on wording)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#39;", "'").strip()
