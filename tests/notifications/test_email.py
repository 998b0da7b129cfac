"""E-mail through the outbox to a real SMTP server on loopback (aiosmtpd): after commit,
STARTTLS when offered, login, retried with backoff, never twice."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope
from sqlalchemy import select

from saldo.config import SmtpSettings
from saldo.kit.clock import FixedClock
from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import enqueue
from saldo.runtime import Runtime
from saldo.worker import run_once


class Mailbox:
    def __init__(self) -> None:
        self.received: list[Envelope] = []
        self.logins: list[tuple[str, str]] = []
        self.tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.received.append(envelope)
        self.tls.append(session.ssl is not None)
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == ("saldo", "segreta"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


def _serve(mailbox: Mailbox, **smtp: Any) -> Controller:
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=mailbox.authenticate,
        auth_require_tls=False,
        **smtp,
    )
    controller.start()
    return controller


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, Controller]]:
    box = Mailbox()
    controller = _serve(box)
    yield box, controller
    controller.stop()


def _with_smtp(rt: Runtime, **smtp: Any) -> Runtime:
    settings = rt.settings.model_copy(update={"smtp": SmtpSettings(**smtp)})
    rt.settings = settings
    return rt


def _queue(rt: Runtime, to: str = "capo@azienda.it") -> None:
    with rt.transaction() as session:
        enqueue(
            session,
            channel="email",
            recipient=to,
            subject="Invito all'Area Clienti Business",
            body="Scegli la tua password: https://saldo.example/business/invite/abc\n",
            topic="business_invite",
            now=rt.clock.now(),
        )


def _statuses(rt: Runtime) -> list[tuple[str, int]]:
    with rt.transaction() as session:
        return [
            (m.status, m.attempts)
            for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def test_an_email_is_delivered_once_after_commit(
    rt: Runtime, mailbox: tuple[Mailbox, Controller]
) -> None:
    box, controller = mailbox
    _with_smtp(
        rt, host="127.0.0.1", port=controller.port, from_="Saldo <noreply@saldo.example>",
        user="saldo", password="segreta",
    )  # fmt: skip
    _queue(rt)
    run_once(rt)
    run_once(rt)
    assert len(box.received) == 1
    assert box.logins == [("saldo", "segreta")]
    envelope = box.received[0]
    assert envelope.rcpt_tos == ["capo@azienda.it"]
    parsed = email.message_from_bytes(envelope.original_content or b"")
    assert parsed["Subject"] == "Invito all'Area Clienti Business"
    assert parsed["From"] == "Saldo <noreply@saldo.example>"
    assert "business/invite/abc" in parsed.get_payload(decode=True).decode()
    assert _statuses(rt) == [("sent", 1)]


def test_a_rolled_back_email_is_never_sent(
    rt: Runtime, mailbox: tuple[Mailbox, Controller]
) -> None:
    box, controller = mailbox
    _with_smtp(rt, host="127.0.0.1", port=controller.port, from_="noreply@saldo.example")
    with pytest.raises(RuntimeError), rt.transaction() as session:
        enqueue(
            session, channel="email", recipient="x@y.it", body="b", topic="t", now=rt.clock.now()
        )
        raise RuntimeError("the change failed")
    run_once(rt)
    assert box.received == []


def test_starttls_is_used_when_offered(rt: Runtime, certificate: tuple[Path, Path]) -> None:
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    box = Mailbox()
    controller = _serve(box, tls_context=context, require_starttls=True)
    try:
        _with_smtp(
            rt, host="127.0.0.1", port=controller.port, from_="noreply@saldo.example",
            ca_file=str(cert),
        )  # fmt: skip
        _queue(rt)
        run_once(rt)
    finally:
        controller.stop()
    assert box.tls == [True]


def test_a_server_down_is_retried_with_backoff_then_delivered_once(rt: Runtime) -> None:
    port = _free_port()
    _with_smtp(rt, host="127.0.0.1", port=port, from_="noreply@saldo.example", timeout_seconds=2)
    _queue(rt)
    run_once(rt)
    assert _statuses(rt) == [("pending", 1)]
    run_once(rt)  # not due yet: backing off
    assert _statuses(rt) == [("pending", 1)]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock = rt.clock
        assert isinstance(clock, FixedClock)
        clock.set(clock.now() + timedelta(seconds=11))
        run_once(rt)
        run_once(rt)
    finally:
        controller.stop()
    assert len(box.received) == 1
    assert _statuses(rt) == [("sent", 2)]
