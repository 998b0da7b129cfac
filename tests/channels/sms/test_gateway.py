"""The HTTP gateway: ``POST /channels/sms/inbound`` and the outbound HTTP transport, with a
real HTTP server (a local one, on a port the OS picks) standing in for Kannel or Jasmin."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from saldo.channels.http.app import create_app
from saldo.channels.sms import texts
from saldo.channels.sms.gateway import HttpTransport
from saldo.channels.sms.models import SmsInbound
from saldo.channels.sms.service import SmppChannel
from saldo.config import GatewaySettings
from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import enqueue, list_messages
from saldo.runtime import Runtime
from tests.channels.sms.support import bind_to, eventually, run
from tests.factories import make_line, snapshot


@dataclass
class Gateway:
    """What the fake SMS gateway received, and what it answers."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    answer: bytes = b'{"id": "gw-1"}'


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "auth": self.headers.get("Authorization"),
                    "body": self.rfile.read(length) if length else b"",
                }
            )
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(state.answer)

        do_GET = do_POST = _record

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Client:
    """The real app over ASGI (httpx's transport): background tasks finish before it returns."""

    def __init__(self, rt: Runtime) -> None:
        self.app = create_app(rt)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://saldo") as client:
                return await client.post(path, **kwargs)

        return asyncio.run(call())


def configure(rt: Runtime, *, password: str = "pw", outbound_url: str = "") -> Client:
    gateway = GatewaySettings(
        user="kannel", password=SecretStr(password), outbound_url=outbound_url
    )
    rt.settings = rt.settings.model_copy(update={"gateway": gateway})
    return Client(rt)


AUTH = ("kannel", "pw")


def messages(rt: Runtime) -> list[OutboxMessage]:
    with rt.transaction() as session:
        return list(reversed(list_messages(session)))


def inbound_count(rt: Runtime) -> int:
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(SmsInbound)) or 0)


def test_a_form_post_is_answered_through_the_outbound_gateway(
    rt: Runtime, gateway: Gateway
) -> None:
    msisdn = make_line(rt, credit="22.33")
    client = configure(rt, outbound_url=f"{gateway.url}/send")
    form = {"from": msisdn, "to": "4155", "text": "Saldo", "id": "k-1"}
    response = client.post("/channels/sms/inbound", data=form, auth=AUTH)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "replied"}
    (sent,) = gateway.requests
    assert (sent["method"], sent["path"]) == ("POST", "/send")
    payload = json.loads(sent["body"])
    assert payload == {"from": "4155", "to": msisdn, "text": texts.summary(snapshot(rt, msisdn))}
    (message,) = messages(rt)
    assert (message.status, message.external_id) == ("sent", "gw-1")


def test_json_works_too_and_the_same_id_is_answered_once(rt: Runtime) -> None:
    msisdn = make_line(rt)
    client = configure(rt)
    body = {"from": msisdn[1:], "to": "4155", "text": "AIUTO", "id": "j-1"}
    first = client.post("/channels/sms/inbound", json=body, auth=AUTH)
    again = client.post("/channels/sms/inbound", json=body, auth=AUTH)
    assert (first.json(), again.json()) == ({"status": "replied"}, {"status": "duplicate"})
    (message,) = messages(rt)
    assert message.body == texts.help_text("4155")
    assert message.status == "pending"  # no outbound URL: left for ``saldo smpp``


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data": {"to": "4155", "text": "SALDO"}}, "missing field 'from'"),
        ({"data": {"from": "3471234567", "to": "4155"}}, "missing field 'text'"),
        ({"json": ["SALDO"]}, "a JSON object was expected"),
        ({"content": b"{", "headers": {"Content-Type": "application/json"}}, "invalid JSON"),
        ({"data": {"from": "1" * 40, "text": "SALDO"}}, "field 'from' too long (at most 32)"),
        ({"content": b"\xff\xfe", "headers": {}}, "the body is not UTF-8"),
    ],
)
def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    rt: Runtime, kwargs: dict[str, Any], message: str
) -> None:
    client = configure(rt)
    kwargs["headers"] = {"Accept-Language": "en", **kwargs.get("headers", {})}
    response = client.post("/channels/sms/inbound", auth=AUTH, **kwargs)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert inbound_count(rt) == 0 and messages(rt) == []


def test_credentials_are_required(rt: Runtime) -> None:
    form = {"from": "3471234567", "text": "SALDO"}
    client = configure(rt, password="")
    unconfigured = client.post("/channels/sms/inbound", data=form, auth=AUTH)
    assert unconfigured.status_code == 503
    assert "SALDO_GATEWAY_PASSWORD" in unconfigured.json()["message"]
    client = configure(rt)
    for auth in (None, ("kannel", "nope"), ("other", "pw")):
        response = client.post("/channels/sms/inbound", data=form, auth=auth)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert inbound_count(rt) == 0 and messages(rt) == []


def test_a_url_template_is_called_with_get_as_kannel_expects(rt: Runtime, gateway: Gateway) -> None:
    msisdn = make_line(rt)
    host = gateway.url.removeprefix("http://")
    url = f"http://user:p%40ss@{host}/cgi-bin/sendsms?from={{from}}&to={{to}}&text={{text}}"
    client = configure(rt, outbound_url=url)
    client.post("/channels/sms/inbound", data={"from": msisdn, "text": "offerta"}, auth=AUTH)
    (sent,) = gateway.requests
    assert sent["method"] == "GET"
    query = parse_qs(urlsplit(sent["path"]).query)
    assert query == {
        "from": ["4155"],
        "to": [msisdn],
        "text": [texts.offer(snapshot(rt, msisdn))],
    }
    assert sent["auth"] == "Basic dXNlcjpwQHNz"  # user:p@ss


def test_a_failing_gateway_leaves_the_message_for_a_later_attempt(
    rt: Runtime, gateway: Gateway
) -> None:
    msisdn = make_line(rt)
    gateway.status, gateway.answer = 500, b"boom"
    client = configure(rt, outbound_url=gateway.url)
    client.post("/channels/sms/inbound", data={"from": msisdn, "text": "saldo"}, auth=AUTH)
    (message,) = messages(rt)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.error is not None and "HTTP 500" in message.error
    assert message.next_attempt_at > rt.clock.now()


def test_gateway_receipts_settle_the_message(rt: Runtime, gateway: Gateway) -> None:
    msisdn = make_line(rt)
    client = configure(rt, outbound_url=gateway.url)
    client.post("/channels/sms/inbound", data={"from": msisdn, "text": "saldo"}, auth=AUTH)
    receipt = "/channels/sms/receipt"
    assert client.post(receipt, data={"id": "gw-1", "status": "8"}, auth=AUTH).json() == {
        "status": "ignored"
    }
    assert messages(rt)[0].status == "sent"
    assert client.post(receipt, data={"id": "gw-1", "status": "DELIVRD"}, auth=AUTH).json() == {
        "status": "delivered"
    }
    assert messages(rt)[0].status == "delivered"
    unknown = client.post(receipt, data={"id": "nope", "status": "failed"}, auth=AUTH)
    assert unknown.json() == {"status": "unknown_message"}


def test_while_unbound_saldo_smpp_sends_through_the_http_gateway(
    rt: Runtime, gateway: Gateway
) -> None:
    msisdn = make_line(rt)
    with socket.socket() as probe:  # a port where no SMSC listens
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    bind_to(rt, closed_port)
    with rt.transaction() as session:
        enqueue(session, recipient=msisdn, body="Codice 123456", topic="otp", now=rt.clock.now())

    async def scenario() -> None:
        channel = SmppChannel(rt, http=HttpTransport(gateway.url))
        task = asyncio.create_task(channel.run())
        try:
            await eventually(lambda: _delivered(gateway))
            assert not channel.session.bound.is_set()
        finally:
            await channel.stop()
            await asyncio.wait_for(task, 15)

    run(scenario())
    (sent,) = gateway.requests
    assert json.loads(sent["body"]) == {"from": "4155", "to": msisdn, "text": "Codice 123456"}
    assert messages(rt)[0].status == "sent"


async def _delivered(gateway: Gateway) -> bool:
    return len(gateway.requests) == 1
