"""Unpaid invoices: ``overdue`` after their due date, and one reminder (SMS and e-mail, in
Italian) seven days after it. Nothing here commits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saldo.billing.models import BilledLine, Invoice
from saldo.catalog.service import get_catalog
from saldo.customers.models import Customer
from saldo.kit.clock import long_date, to_rome
from saldo.kit.money import format_eur
from saldo.notifications.service import enqueue

REMIND_AFTER = timedelta(days=7)


def mark_overdue(session: Session, *, today: date) -> int:
    """Invoices still unpaid the day after their due date become ``overdue``."""
    result = session.execute(
        update(Invoice)
        .where(Invoice.kind == "invoice", Invoice.status == "issued", Invoice.due_on < today)
        .values(status="overdue")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def reminder_text(invoice: Invoice, operator: str) -> str:
    return (
        f"{operator}: la fattura {invoice.number} di {format_eur(invoice.total_cents)}, "
        f"scaduta il {long_date(invoice.due_on)}, risulta non pagata. "
        "Puoi pagarla dall'app con Paga ora o con bonifico. Se l'hai già pagata, ignora questo "
        "messaggio."
    )


def send_reminders(session: Session, *, now: datetime) -> int:
    """One reminder per overdue invoice, seven days after its due date: an SMS to a line of
    its account and an e-mail to the customer. Returns the invoices reminded."""
    today = to_rome(now).date()
    due = session.scalars(
        select(Invoice)
        .where(Invoice.status == "overdue", Invoice.reminded_at.is_(None))
        .where(Invoice.due_on <= today - REMIND_AFTER)
        .order_by(Invoice.id)
        .limit(500)
    ).all()
    _, catalog = get_catalog(session)
    for invoice in due:
        text = reminder_text(invoice, catalog.operator.name)
        msisdn = session.scalar(
            select(BilledLine.msisdn)
            .where(BilledLine.account_id == invoice.account_id)
            .order_by(BilledLine.line_id)
            .limit(1)
        )
        key = f"invoice-reminder:{invoice.id}"
        if msisdn:
            enqueue(session, recipient=msisdn, body=text, topic="invoice", now=now,
                    sender=catalog.channels.sms, dedup_key=f"{key}:sms")  # fmt: skip
        email = session.scalar(select(Customer.email).where(Customer.id == invoice.customer_id))
        if email:
            enqueue(session, recipient=email, body=text, topic="invoice", now=now,
                    channel="email", dedup_key=f"{key}:email")  # fmt: skip
        invoice.reminded_at = now
    session.flush()
    return len(due)
