"""Tickets: codes people can say, unique under concurrency; statuses and their times; the
thread; attachments checked by content; bad input creates nothing."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from saldo.care import repository as repo
from saldo.care import service as care
from saldo.care.attachments import MAX_BYTES, check_file
from saldo.care.errors import InvalidAttachment, InvalidTicket, TicketState
from saldo.care.models import Ticket, TicketAttachment, TicketChange
from saldo.care.schemas import TicketRequest
from saldo.kit.errors import InvalidInput
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime, retrying
from tests.care.factories import RULES, answer, open_ticket
from tests.factories import make_line

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def test_a_complaint_gets_a_code_a_deadline_and_an_sms_with_its_code(rt: Runtime) -> None:
    msisdn = make_line(rt)
    ticket = open_ticket(rt, msisdn)
    assert re.fullmatch(r"RC-2026-\d{6}", ticket.code)
    assert ticket.code == "RC-2026-000001"
    assert ticket.status == "open" and ticket.kind == "complaint"
    assert ticket.deadline == rt.clock.now() + timedelta(days=30)
    assert open_ticket(rt, msisdn, kind="message").code == "RC-2026-000002"
    with rt.read() as session:
        acks = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.topic == "ticket")
        ).all()
    assert any("RC-2026-000001" in body and "26/12/2026" in body for body in acks)
    assert any("RC-2026-000002" in body for body in acks)


def test_codes_are_never_the_same_under_concurrency(rt: Runtime) -> None:
    msisdn = make_line(rt)
    codes: list[str] = []
    errors: list[BaseException] = []

    def one() -> None:
        request = TicketRequest(kind="message", subject="s", body="b", channel="cli")
        try:
            for _ in range(5):
                ticket = retrying(
                    rt,
                    lambda s: care.open_for_line(
                        s, msisdn=msisdn, request=request, rules=RULES, now=rt.clock.now()
                    ),
                )
                codes.append(ticket.code)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(codes) == 20 and len(set(codes)) == 20
    assert sorted(codes) == [f"RC-2026-{n:06d}" for n in range(1, 21)]


def test_every_status_change_is_kept_with_its_time(rt: Runtime) -> None:
    msisdn = make_line(rt)
    ticket = open_ticket(rt, msisdn, kind="message")
    start = rt.clock.now()
    rt.clock.set(start + timedelta(hours=1))  # type: ignore[attr-defined]
    with rt.transaction() as session:
        t = repo.ticket_by_code(session, ticket.code)
        care.reply(
            session,
            ticket=t,
            author="operator",
            actor="operator",
            body="Ci mandi la fattura?",
            now=rt.clock.now(),
        )
        assert t.status == "waiting_customer"
    rt.clock.set(start + timedelta(hours=2))  # type: ignore[attr-defined]
    with rt.transaction() as session:
        t = repo.ticket_by_code(session, ticket.code)
        care.reply(
            session,
            ticket=t,
            author="customer",
            actor="customer",
            body="Eccola",
            now=rt.clock.now(),
            files=[check_file("fattura.pdf", PDF)],
        )
        assert t.status == "open"
    answer(rt, ticket.code, at=start + timedelta(hours=3))
    with rt.transaction() as session:
        care.close_ticket(session, code=ticket.code, actor="operator", now=rt.clock.now())
    with rt.read() as session:
        changes = session.execute(
            select(TicketChange.status, TicketChange.created_at)
            .where(TicketChange.ticket_id == ticket.id)
            .order_by(TicketChange.id)
        ).all()
        t = repo.ticket_by_code(session, ticket.code)
        messages = repo.thread(session, t.id)
        files = repo.attachments_of(session, t.id)
    assert [c.status for c in changes] == ["open", "waiting_customer", "open", "answered", "closed"]
    assert [c.created_at - start for c in changes] == [
        timedelta(0),
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=3),
        timedelta(hours=3),
    ]
    assert [m.author for m in messages] == ["customer", "operator", "customer", "operator"]
    assert t.first_response_at == start + timedelta(hours=1)
    assert [(f.filename, f.content_type, f.size) for f in files] == [
        ("fattura.pdf", "application/pdf", len(PDF))
    ]
    with rt.transaction() as session, pytest.raises(TicketState):
        care.reply(
            session,
            ticket=repo.ticket_by_code(session, ticket.code),
            author="customer",
            actor="customer",
            body="ancora",
            now=rt.clock.now(),
        )


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("b.png", PNG, "image/png"),
        ("photo", JPEG, "image/jpeg"),
        ("x.txt", PNG, "image/png"),
    ],
)
def test_attachments_are_known_by_their_content(name: str, data: bytes, kind: str) -> None:
    assert check_file(name, data).content_type == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("x.png", b"GIF89a......"),
        ("e.pdf", b""),
        ("big.pdf", b"%PDF-" + b"0" * MAX_BYTES),
        ("script.jpg", b"<script>alert(1)</script>"),
    ],
)
def test_attachments_of_another_kind_or_too_large_are_refused(name: str, data: bytes) -> None:
    with pytest.raises(InvalidAttachment):
        check_file(name, data)


def test_exactly_5_mb_is_accepted() -> None:
    assert (
        check_file("max.pdf", b"%PDF-" + b"0" * (MAX_BYTES - 5)).content_type == "application/pdf"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "praise"},
        {"subject": "   "},
        {"body": ""},
        {"subject": "x" * 201},
        {"body": "a\x00b"},
        {"invoice": "FT 2026/1 <script>"},
        {"kind": "complaint", "amount_cents": 500},
        {"kind": "refund"},
        {"kind": "refund", "amount_cents": 0, "refund_to": "credit"},
        {"kind": "refund", "amount_cents": 500, "refund_to": "cash"},
        {"kind": "refund", "amount_cents": 500, "refund_to": "iban"},
        {
            "kind": "refund",
            "amount_cents": 500,
            "refund_to": "iban",
            "iban": "IT60X0542811101000000123457",
            "iban_holder": "Mario Rossi",
        },
        {
            "kind": "refund",
            "amount_cents": 500,
            "refund_to": "iban",
            "iban": "IT60X0542811101000000123456",
        },
    ],
)
def test_bad_input_is_refused_and_creates_nothing(rt: Runtime, fields: dict[str, object]) -> None:
    msisdn = make_line(rt)
    with pytest.raises(InvalidInput):
        open_ticket(rt, msisdn, **fields)  # type: ignore[arg-type]
    with rt.read() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.topic == "ticket")
            )
            == 0
        )


def test_a_customer_sees_only_their_own_tickets(rt: Runtime) -> None:
    mine, theirs = make_line(rt), make_line(rt)
    first = open_ticket(rt, mine)
    second = open_ticket(rt, mine, kind="message")
    other = open_ticket(rt, theirs)
    with rt.read() as session:
        customer, _ = repo.customer_of_line(session, mine)
        listed = [t.code for t in repo.tickets_of(session, customer_id=customer.id)]
        assert listed == [second.code, first.code]
        with pytest.raises(Exception, match="not found"):
            repo.ticket_by_code(session, other.code, customer_id=customer.id)
        with pytest.raises(Exception, match="not found"):
            repo.ticket_by_id(session, other.id, customer_id=customer.id)


def test_attachments_per_ticket_are_bounded(rt: Runtime) -> None:
    ticket = open_ticket(rt, make_line(rt), kind="message")
    files = [check_file(f"{n}.png", PNG) for n in range(11)]
    with rt.transaction() as session, pytest.raises(InvalidTicket):
        care.reply(
            session,
            ticket=repo.ticket_by_code(session, ticket.code),
            author="customer",
            actor="customer",
            body="tanti",
            now=rt.clock.now(),
            files=files,
        )
    with rt.read() as session:
        assert session.scalar(select(func.count()).select_from(TicketAttachment)) == 0
