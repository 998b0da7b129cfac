"""Tickets: customer messages, complaints (reclami) and refund requests, with their thread."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class Ticket(Base):
    """One ticket of one customer. ``code`` is what people say on the phone."""

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_customer_created", "customer_id", "created_at"),
        Index("ix_ticket_queue", "status", "kind", "deadline"),
        Index("ix_ticket_refund_export", "refund_status", "refund_to"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    """RC-<year>-<6+ digits>, from ``ticket_counter``: never the same twice."""
    kind: Mapped[str] = mapped_column(String(16))  # message | complaint | refund
    status: Mapped[str] = mapped_column(String(20))
    """open | waiting_customer | answered | closed."""
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("line.id"), index=True)
    invoice_number: Mapped[str | None] = mapped_column(String(32))
    topup_id: Mapped[int | None] = mapped_column(BigInteger)
    subject: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    """Where it was opened: web | api | cli | sms | ivr | care."""
    callback: Mapped[bool] = mapped_column(Boolean, default=False)
    """The customer asked to be called back by an operator (complaints from the IVR)."""
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """Complaints: opened + the configured days (30); the answer is due by then."""
    resolution: Mapped[str | None] = mapped_column(String(16))  # accepted | rejected
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    indemnity_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    """Paid for a late answer to a complaint (once): ledger credit or invoice credit."""
    indemnity_days: Mapped[int] = mapped_column(Integer, default=0)
    """Full days the first answer was late."""
    indemnity_paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    """Refunds: the amount asked for, in cents."""
    refund_to: Mapped[str | None] = mapped_column(String(8))  # credit | iban
    iban: Mapped[str | None] = mapped_column(String(34))
    iban_holder: Mapped[str | None] = mapped_column(String(70))
    refund_status: Mapped[str | None] = mapped_column(String(16))
    """requested | approved | rejected | paid (credit) | exported (in a SEPA batch)."""
    refund_decided_by: Mapped[str | None] = mapped_column(String(64))
    refund_batch_id: Mapped[int | None] = mapped_column(ForeignKey("refund_batch.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketMessage(Base):
    """One message of a ticket's thread. Rows are only ever inserted."""

    __tablename__ = "ticket_message"
    __table_args__ = (Index("ix_ticket_message_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    author: Mapped[str] = mapped_column(String(16))  # customer | operator
    actor: Mapped[str] = mapped_column(String(64))
    """Who wrote it: "customer", "operator", "agent:<id>"…"""
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketAttachment(Base):
    """A file sent with a message: PDF, JPEG or PNG (checked by content), 5 MB at most."""

    __tablename__ = "ticket_attachment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticket_message.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    """What the content is (its magic bytes), never what the name says."""
    size: Mapped[int] = mapped_column(Integer)
    """Bytes."""
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketChange(Base):
    """Every change of a ticket's status, with its time and who made it."""

    __tablename__ = "ticket_change"
    __table_args__ = (Index("ix_ticket_change_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    status: Mapped[str] = mapped_column(String(20))
    """The status it changed to."""
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TicketCounter(Base):
    """The last ticket number of each year: one conditional increment per ticket."""

    __tablename__ = "ticket_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(BigInteger, default=0)


class RefundBatch(Base):
    """One SEPA credit transfer file (pain.001) of approved IBAN refunds, kept as written."""

    __tablename__ = "refund_batch"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    count: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    xml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
