"""Queries on tickets: by code, a customer's list, the thread, the operators' queues."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.care.errors import CustomerNotFound, TicketNotFound
from saldo.care.models import Ticket, TicketAttachment, TicketCounter, TicketMessage
from saldo.customers.models import Customer
from saldo.db import dialect_name, table
from saldo.lines.models import Line

counter_t = table(TicketCounter)
WORKING = ("open", "waiting_customer")
"""Statuses of a ticket still to be answered: the clock of a complaint runs in both."""


def next_number(session: Session, year: int) -> int:
    """The next ticket number of ``year``: one conditional increment, never the same twice
    (PostgreSQL locks the row; SQLite's writers queue on the database)."""
    insert_ = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
    session.execute(
        insert_(counter_t).values(year=year, last=0).on_conflict_do_nothing(index_elements=["year"])
    )
    bumped = session.execute(
        update(counter_t)
        .where(counter_t.c.year == year)
        .values(last=counter_t.c.last + 1)
        .returning(counter_t.c.last)
    ).scalar_one()
    return int(bumped)


def ticket_by_code(session: Session, code: str, *, customer_id: int | None = None) -> Ticket:
    """The ticket of ``code`` (of ``customer_id`` only, when given: another's is not found)."""
    query = select(Ticket).where(Ticket.code == code.strip().upper())
    if customer_id is not None:
        query = query.where(Ticket.customer_id == customer_id)
    ticket = session.scalar(query)
    if ticket is None:
        raise TicketNotFound(code)
    return ticket


def ticket_by_id(session: Session, ticket_id: int, *, customer_id: int) -> Ticket:
    ticket = session.scalar(
        select(Ticket).where(Ticket.id == ticket_id, Ticket.customer_id == customer_id)
    )
    if ticket is None:
        raise TicketNotFound(str(ticket_id))
    return ticket


def tickets_of(
    session: Session, *, customer_id: int, limit: int = 50, before_id: int | None = None
) -> Sequence[Ticket]:
    """A customer's tickets, newest first."""
    query = select(Ticket).where(Ticket.customer_id == customer_id)
    if before_id is not None:
        query = query.where(Ticket.id < before_id)
    return session.scalars(query.order_by(Ticket.id.desc()).limit(limit)).all()


def thread(session: Session, ticket_id: int) -> Sequence[TicketMessage]:
    return session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket_id).order_by(TicketMessage.id)
    ).all()


def attachments_of(session: Session, ticket_id: int) -> Sequence[Any]:
    """The attachments' descriptions (not their bytes), oldest first."""
    a = table(TicketAttachment)
    return session.execute(
        select(a.c.id, a.c.message_id, a.c.filename, a.c.content_type, a.c.size)
        .where(a.c.ticket_id == ticket_id)
        .order_by(a.c.id)
    ).all()


def attachment(session: Session, *, ticket_id: int, attachment_id: int) -> TicketAttachment:
    found = session.scalar(
        select(TicketAttachment).where(
            TicketAttachment.id == attachment_id, TicketAttachment.ticket_id == ticket_id
        )
    )
    if found is None:
        raise TicketNotFound(f"{ticket_id}/{attachment_id}")
    return found


def queue(
    session: Session,
    *,
    now: datetime,
    kind: str | None = None,
    risk_days: int | None = None,
    limit: int = 50,
) -> Sequence[Any]:
    """Tickets still to be answered (with their customer's segment), the ones whose deadline
    comes first at the top; ``risk_days``: only complaints due within that many days."""
    query = (
        select(Ticket, Customer.segment)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.status.in_(WORKING))
    )
    if kind is not None:
        query = query.where(Ticket.kind == kind)
    if risk_days is not None:
        query = query.where(
            Ticket.kind == "complaint", Ticket.deadline <= now + timedelta(days=risk_days)
        )
    order = (case((Ticket.deadline.is_(None), 1), else_=0), Ticket.deadline, Ticket.id)
    return session.execute(query.order_by(*order).limit(limit)).all()


def customer_of_line(session: Session, msisdn: str) -> tuple[Customer, Line]:
    row = session.execute(
        select(Customer, Line)
        .join(Line, Line.customer_id == Customer.id)
        .where(Line.msisdn == msisdn)
    ).first()
    if row is None:
        raise CustomerNotFound(msisdn)
    return row[0], row[1]


def customer_by_vat(session: Session, vat_number: str) -> Customer:
    customer = session.scalar(
        select(Customer).where(Customer.vat_number == vat_number).order_by(Customer.id).limit(1)
    )
    if customer is None:
        raise CustomerNotFound(vat_number)
    return customer


def lines_of(session: Session, customer_id: int) -> Sequence[Line]:
    """The customer's active lines, oldest first."""
    return session.scalars(
        select(Line)
        .where(Line.customer_id == customer_id, Line.status == "active")
        .order_by(Line.id)
    ).all()


def attachment_count(session: Session, ticket_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(TicketAttachment)
            .where(TicketAttachment.ticket_id == ticket_id)
        )
        or 0
    )


def add_row(session: Session, model: type[Any], **values: Any) -> int:
    """Insert one row and return its id."""
    t = table(model)
    return int(session.execute(insert(t).values(**values).returning(t.c.id)).scalar_one())
