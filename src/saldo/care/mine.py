"""A signed-in customer's own tickets (the app, the JSON API): every query is bounded to the
customer of the line signed in, so another customer's ticket is simply not found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.care import repository as repo
from saldo.care import service as care
from saldo.care.attachments import CheckedFile
from saldo.care.models import Ticket, TicketMessage
from saldo.care.rules import ComplaintRules
from saldo.care.schemas import (
    AttachmentView,
    MessageView,
    ThreadView,
    TicketRequest,
    TicketView,
    view,
)
from saldo.customers.models import Customer
from saldo.kit.msisdn import normalize_msisdn
from saldo.lines.errors import LineNotFound
from saldo.lines.models import Line


def customer_of(session: Session, line_id: int) -> int:
    """The customer of the signed-in line."""
    return int(session.execute(select(Line.customer_id).where(Line.id == line_id)).scalar_one())


def open_mine(
    session: Session,
    *,
    line_id: int,
    request: TicketRequest,
    rules: ComplaintRules,
    now: datetime,
    files: Sequence[CheckedFile] = (),
) -> Ticket:
    """Open a ticket for the signed-in line's customer, about that line or (``msisdn``)
    another line of the same customer; any other number is not found."""
    line = session.get(Line, line_id)
    assert line is not None
    if request.msisdn and normalize_msisdn(request.msisdn) != line.msisdn:
        wanted = normalize_msisdn(request.msisdn)
        line = session.scalar(
            select(Line).where(Line.msisdn == wanted, Line.customer_id == line.customer_id)
        )
        if line is None:
            raise LineNotFound(wanted)
    customer = session.get(Customer, line.customer_id)
    assert customer is not None
    return care.open_ticket(
        session,
        customer=customer,
        line=line,
        request=request,
        rules=rules,
        now=now,
        files=files,
    )


def my_tickets(
    session: Session, *, line_id: int, limit: int = 50, before_id: int | None = None
) -> list[TicketView]:
    customer_id = customer_of(session, line_id)
    tickets = repo.tickets_of(session, customer_id=customer_id, limit=limit, before_id=before_id)
    numbers = _numbers(session, [t.line_id for t in tickets if t.line_id])
    return [view(t, msisdn=numbers.get(t.line_id or 0)) for t in tickets]


def my_ticket(session: Session, *, line_id: int, code: str) -> Ticket:
    return repo.ticket_by_code(session, code, customer_id=customer_of(session, line_id))


def my_thread(session: Session, *, line_id: int, code: str) -> ThreadView:
    ticket = my_ticket(session, line_id=line_id, code=code)
    files: dict[int, list[AttachmentView]] = {}
    for a in repo.attachments_of(session, ticket.id):
        files.setdefault(a.message_id, []).append(
            AttachmentView(id=a.id, filename=a.filename, content_type=a.content_type, size=a.size)
        )
    numbers = _numbers(session, [ticket.line_id] if ticket.line_id else [])
    return ThreadView(
        ticket=view(ticket, msisdn=numbers.get(ticket.line_id or 0)),
        messages=[message_view(m, files.get(m.id, [])) for m in repo.thread(session, ticket.id)],
    )


def reply_mine(
    session: Session,
    *,
    line_id: int,
    code: str,
    body: str,
    now: datetime,
    files: Sequence[CheckedFile] = (),
) -> MessageView:
    ticket = my_ticket(session, line_id=line_id, code=code)
    message = care.reply(
        session,
        ticket=ticket,
        author="customer",
        actor="customer",
        body=body,
        now=now,
        files=files,
    )
    attached = [
        AttachmentView(id=a.id, filename=a.filename, content_type=a.content_type, size=a.size)
        for a in repo.attachments_of(session, ticket.id)
        if a.message_id == message.id
    ]
    return message_view(message, attached)


def message_view(message: TicketMessage, files: list[AttachmentView]) -> MessageView:
    return MessageView(
        id=message.id,
        author=message.author,
        body=message.body,
        created_at=message.created_at,
        attachments=files,
    )


def _numbers(session: Session, line_ids: list[int]) -> dict[int, str]:
    if not line_ids:
        return {}
    rows = session.execute(select(Line.id, Line.msisdn).where(Line.id.in_(set(line_ids))))
    return {int(r.id): str(r.msisdn) for r in rows}
