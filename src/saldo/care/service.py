"""Tickets: open, reply, answer (paying a late complaint's indemnity), close. The only entry
for every channel (app, CLI, SMS, IVR, and the care console later). Nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from saldo.care import notify
from saldo.care import repository as repo
from saldo.care.attachments import CheckedFile
from saldo.care.checks import MAX_BODY, check_request, clean_text
from saldo.care.compensation import claim_refund, give_back, settle_indemnity
from saldo.care.errors import InvalidTicket, TicketState
from saldo.care.models import Ticket, TicketAttachment, TicketChange, TicketMessage
from saldo.care.rules import RESOLUTIONS, ComplaintRules, deadline_for, format_code
from saldo.care.schemas import TicketRequest
from saldo.customers.models import Customer
from saldo.kit.clock import to_rome
from saldo.kit.origin import Origin
from saldo.lines.models import Line

MAX_ATTACHMENTS = 10
"""Files one ticket may carry."""


def open_ticket(
    session: Session,
    *,
    customer: Customer,
    line: Line | None,
    request: TicketRequest,
    rules: ComplaintRules,
    now: datetime,
    files: Sequence[CheckedFile] = (),
) -> Ticket:
    """Open a ticket for ``customer`` (about ``line``, when given) and acknowledge it by SMS
    with its code. Bad input changes nothing."""
    request = check_request(request)
    if line is not None and line.customer_id != customer.id:
        raise InvalidTicket("la linea non è del cliente", "the line is not the customer's")
    if request.refund_to == "credit" and line is None:
        raise InvalidTicket(
            "un rimborso sul credito richiede la linea (msisdn)",
            "a refund to credit needs the line (msisdn)",
        )
    number = repo.next_number(session, to_rome(now).year)
    ticket = Ticket(
        code=format_code(to_rome(now).year, number),
        kind=request.kind,
        status="open",
        customer_id=customer.id,
        line_id=line.id if line is not None else None,
        invoice_number=request.invoice,
        topup_id=request.topup_id,
        subject=request.subject,
        channel=request.channel,
        callback=request.callback,
        deadline=deadline_for(now, rules) if request.kind == "complaint" else None,
        indemnity_cents=0,
        indemnity_days=0,
        amount_cents=request.amount_cents,
        refund_to=request.refund_to,
        iban=request.iban,
        iban_holder=request.iban_holder,
        refund_status="requested" if request.kind == "refund" else None,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    _change(session, ticket, "open", request.actor, now)
    _message(session, ticket, "customer", request.actor, request.body, now, files)
    recipient = line if line is not None else next(iter(repo.lines_of(session, customer.id)), None)
    if recipient is not None and request.acknowledge:
        notify.acknowledge(session, ticket=ticket, msisdn=recipient.msisdn, now=now)
    return ticket


def open_for_line(
    session: Session, *, msisdn: str, request: TicketRequest, rules: ComplaintRules, now: datetime
) -> Ticket:
    """Open a ticket about the line ``msisdn``, for its customer (CLI, SMS, IVR)."""
    customer, line = repo.customer_of_line(session, msisdn)
    return open_ticket(session, customer=customer, line=line, request=request, rules=rules, now=now)


def reply(
    session: Session,
    *,
    ticket: Ticket,
    author: str,
    actor: str,
    body: str,
    now: datetime,
    files: Sequence[CheckedFile] = (),
) -> TicketMessage:
    """A message in the thread: from the customer the ticket waits for an operator again,
    from an operator it waits for the customer."""
    if ticket.status == "closed":
        raise TicketState(
            f"la segnalazione {ticket.code} è chiusa", f"ticket {ticket.code} is closed"
        )
    if repo.attachment_count(session, ticket.id) + len(files) > MAX_ATTACHMENTS:
        raise InvalidTicket(
            f"al massimo {MAX_ATTACHMENTS} allegati", f"at most {MAX_ATTACHMENTS} attachments"
        )
    text = clean_text(body, field="body", max_length=MAX_BODY)
    message = _message(session, ticket, author, actor, text, now, files)
    if author == "operator":
        ticket.first_response_at = ticket.first_response_at or now
    status = "open" if author == "customer" else "waiting_customer"
    if ticket.status != status:
        _change(session, ticket, status, actor, now)
    ticket.updated_at = now
    return message


def answer_ticket(
    session: Session,
    *,
    code: str,
    body: str,
    actor: str,
    origin: Origin,
    rules: ComplaintRules,
    now: datetime,
    resolution: str | None = None,
) -> Ticket:
    """The operator's answer. A complaint answered after its deadline pays its indemnity at
    the first answer (once); a refund answered with a resolution is approved or rejected."""
    if resolution is not None and resolution not in RESOLUTIONS:
        raise InvalidTicket("resolution: accepted o rejected", "resolution: accepted or rejected")
    ticket = repo.ticket_by_code(session, code)
    text = clean_text(body, field="body", max_length=MAX_BODY)
    if ticket.status == "closed":
        raise TicketState(f"la segnalazione {code} è chiusa", f"ticket {code} is closed")
    decide = ticket.kind == "refund" and resolution is not None
    if decide and ticket.refund_status != "requested":
        _check_decided(ticket, resolution)
        decide = False
    _message(session, ticket, "operator", actor, text, now, ())
    ticket.first_response_at = ticket.first_response_at or now
    ticket.answered_at = ticket.answered_at or now
    ticket.resolution = resolution or ticket.resolution
    ticket.updated_at = now
    session.flush()
    line = session.get(Line, ticket.line_id) if ticket.line_id else None
    if line is None:
        line = next(iter(repo.lines_of(session, ticket.customer_id)), None)
    if ticket.kind == "complaint":
        customer = session.get(Customer, ticket.customer_id)
        business = customer is not None and customer.segment == "business"
        settle_indemnity(
            session,
            ticket=ticket,
            line=line,
            business=business,
            rules=rules,
            origin=origin,
            now=now,
        )
    if decide:
        decide_refund(
            session,
            ticket=ticket,
            approve=resolution == "accepted",
            actor=actor,
            origin=origin,
            now=now,
        )
    if ticket.status != "answered":
        _change(session, ticket, "answered", actor, now, note=resolution)
    if line is not None:
        notify.deliver(
            session,
            msisdns=[line.msisdn],
            subject=f"Risposta alla segnalazione {ticket.code}",
            body=f"{text}\n\n{notify.answer_text(ticket)}",
            topic="ticket",
            key=f"ticket-answer:{ticket.code}:{now.isoformat()}",
            now=now,
        )
    return ticket


def decide_refund(
    session: Session,
    *,
    ticket: Ticket,
    approve: bool,
    actor: str,
    origin: Origin,
    now: datetime,
) -> Ticket:
    """Approve (a refund to credit is paid at once; to an IBAN it waits for the next SEPA
    batch) or reject a refund request, once."""
    if ticket.kind != "refund":
        raise TicketState(f"{ticket.code} non è un rimborso", f"{ticket.code} is not a refund")
    to_credit = ticket.refund_to == "credit"
    target = ("paid" if to_credit else "approved") if approve else "rejected"
    if not claim_refund(session, ticket=ticket, to=target, actor=actor):
        raise TicketState(
            f"il rimborso {ticket.code} è già stato deciso ({ticket.refund_status})",
            f"refund {ticket.code} was already decided ({ticket.refund_status})",
        )
    if target == "paid":
        line = session.get(Line, ticket.line_id)
        assert line is not None and ticket.amount_cents is not None
        give_back(
            session,
            line=line,
            cents=ticket.amount_cents,
            kind="refund",
            key=f"refund:{ticket.code}",
            origin=origin,
            now=now,
        )
    _change(session, ticket, ticket.status, actor, now, note=f"refund {target}")
    return ticket


def _check_decided(ticket: Ticket, resolution: str | None) -> None:
    """A refund already decided may be answered again, but not decided otherwise."""
    was = "rejected" if ticket.refund_status == "rejected" else "accepted"
    if resolution != was:
        raise TicketState(
            f"il rimborso {ticket.code} è già stato deciso ({ticket.refund_status})",
            f"refund {ticket.code} was already decided ({ticket.refund_status})",
        )


def close_ticket(session: Session, *, code: str, actor: str, now: datetime) -> Ticket:
    ticket = repo.ticket_by_code(session, code)
    if ticket.status != "closed":
        ticket.closed_at = now
        ticket.updated_at = now
        _change(session, ticket, "closed", actor, now)
    return ticket


def _change(
    session: Session,
    ticket: Ticket,
    status: str,
    actor: str,
    now: datetime,
    note: str | None = None,
) -> None:
    ticket.status = status
    session.add(
        TicketChange(ticket_id=ticket.id, status=status, actor=actor, note=note, created_at=now)
    )


def _message(
    session: Session,
    ticket: Ticket,
    author: str,
    actor: str,
    body: str,
    now: datetime,
    files: Sequence[CheckedFile],
) -> TicketMessage:
    message = TicketMessage(
        ticket_id=ticket.id, author=author, actor=actor, body=body, created_at=now
    )
    session.add(message)
    session.flush()
    for f in files:
        session.add(
            TicketAttachment(
                ticket_id=ticket.id,
                message_id=message.id,
                filename=f.filename,
                content_type=f.content_type,
                size=len(f.data),
                sha256=f.sha256,
                data=f.data,
                created_at=now,
            )
        )
    return message
